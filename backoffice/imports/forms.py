from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from backoffice.accounts.selectors import counsellors_active
from backoffice.customers.statuses import Status
from backoffice.imports.models import AssignmentRule, DataSource, DateOrder, DuplicatePolicy
from backoffice.imports.plugins import IGNORE, KEEP, REQUIRED_FIELDS
from backoffice.imports.readers import EXTENSIONS
from backoffice.imports.regions import region_choices


class UploadForm(forms.Form):
    data_source = forms.ModelChoiceField(
        label=_("Data source"),
        queryset=DataSource.objects.filter(is_active=True),
        required=False,
        empty_label=_("Detect from the file's headers"),
        widget=UnfoldAdminSelectWidget,
    )
    file = forms.FileField(
        label=_("File"),
        widget=UnfoldAdminFileFieldWidget(attrs={"accept": ",".join(EXTENSIONS)}),
        help_text=_("A workbook (.xlsx, .xls, .ods) or delimited text (.csv, .tsv, .txt); the "
                    "header row may have title rows above it."),
    )
    sheet = forms.CharField(
        label=_("Sheet"), required=False, max_length=120, widget=UnfoldAdminTextInputWidget,
        help_text=_("Workbooks only; the first sheet when left empty."),
    )


class HeaderRowForm(forms.Form):
    """Which of the file's first rows holds the headers. The choices show
    each row's first cells: data from the file, escaped by the select widget
    (never put in a label or help text)."""

    header_row = forms.TypedChoiceField(label=_("Header row"), coerce=int,
                                        widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, rows: list[tuple[int, list[str]]], current: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, _row_label(number, cells)) for number, cells in rows]
        if current is not None and current not in {number for number, _cells in rows}:
            choices.append((current, _("Row %d") % current))
        self.fields["header_row"].choices = choices
        self.fields["header_row"].initial = current


def _row_label(number: int, cells: list[str]) -> str:
    shown = " · ".join(cell for cell in cells if cell) or _("(empty)")
    if len(shown) > 70:
        shown = shown[:69] + "…"
    return f"{_('Row %d') % number}: {shown}"


class MappingForm(forms.Form):
    """What each column of the file holds: one of the plugin's fields, a
    source detail (kept as written), or nothing (left out). The template
    shows each column's header and examples beside its select; the fields'
    labels are never built from the file."""

    def __init__(self, *args, headers: list[str], fields: list[str],
                 required: tuple[str, ...] = REQUIRED_FIELDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.required = required
        choices = [(KEEP, _("Keep as a source detail")), (IGNORE, _("Ignore"))] + [
            (name, field_label(name)) for name in fields
        ]
        for index in range(len(headers)):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=_("Column %d") % (index + 1), choices=choices, initial=KEEP,
                widget=UnfoldAdminSelectWidget,
            )

    @classmethod
    def initial_for(cls, mapping: dict[str, int], ignored) -> dict[str, str]:
        initial = {f"col_{index}": name for name, index in mapping.items()}
        initial.update({f"col_{index}": IGNORE for index in ignored})
        return initial

    def column_fields(self):
        """(column index, header, bound field) for the template."""
        return [(index, header, self[f"col_{index}"]) for index, header in enumerate(self.headers)]

    def clean(self):
        cleaned = super().clean()
        mapping: dict[str, int] = {}
        ignored: list[int] = []
        for index in range(len(self.headers)):
            choice = cleaned.get(f"col_{index}")
            if choice in (None, KEEP):
                continue
            if choice == IGNORE:
                if not self.headers[index]:
                    self.add_error(f"col_{index}", _(
                        "A column without a header cannot be left out; keep it as a source "
                        "detail."))
                ignored.append(index)
            elif choice in mapping:
                self.add_error(f"col_{index}", _(
                    "%(field)s is already column %(other)d; choose one column for it.")
                    % {"field": field_label(choice), "other": mapping[choice] + 1})
            else:
                mapping[choice] = index
        for name in self.required:
            if name not in mapping:
                self.add_error(None, _("Choose the column that holds the %s.")
                               % field_label(name).lower())
        self.mapping, self.ignored = mapping, ignored
        return cleaned

    def ignored_headers(self) -> list[str]:
        return [self.headers[index] for index in self.ignored]


def field_label(name: str) -> str:
    """A plugin's field name for people (field names are code, never data)."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


FIELD_LABELS = {
    "name": _("Name"), "phone": _("Phone"), "alternate_phone": _("Alternate phone"),
    "email": _("Email"), "area": _("Area"), "date_added": _("Date added"),
    "remarks": _("Remarks"), "status": _("Status"), "country": _("Country"),
}


class ReadAsForm(forms.Form):
    """The country of the numbers written without a country code, and the
    order of dates written with numbers only."""

    country = forms.ChoiceField(label=_("Numbers without a country code are from"),
                                choices=region_choices, widget=UnfoldAdminSelectWidget)
    date_order = forms.ChoiceField(label=_("Dates written with numbers only are"),
                                   choices=DateOrder.choices, widget=UnfoldAdminSelectWidget)


class StatusMapForm(forms.Form):
    """Which of our statuses each status of the file that we do not know
    becomes. The file's statuses are shown in the template; a field is only
    its position in the list."""

    def __init__(self, *args, statuses: list[tuple[str, int]], known: Iterable[str] = (),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = [value for value, _count in statuses]
        self.counts = [count for _value, count in statuses]
        # the file's statuses a post may name: those shown now, and those
        # translated already (a page shown before another tab translated one)
        self.known = {*self.statuses, *known}
        choices = [("", _("Use the default status"))] + list(Status.choices)
        for index in range(len(statuses)):
            self.fields[f"status_{index}"] = forms.ChoiceField(
                label=_("Status %d") % (index + 1), choices=choices, required=False,
                widget=UnfoldAdminSelectWidget,
            )
            # which of the file's statuses the select was shown for
            self.fields[f"value_{index}"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=self.statuses[index])

    def rows(self):
        """(the file's status, how many rows of the sample have it, select, hidden value)."""
        return [(value, self.counts[index], self[f"status_{index}"], self[f"value_{index}"])
                for index, value in enumerate(self.statuses)]

    def status_map(self) -> dict[str, str]:
        """The file's status (as the page showed it) -> ours, for the selects
        chosen; a select whose status this file does not have is left out."""
        chosen = {}
        for index, shown in enumerate(self.statuses):
            value = self.cleaned_data.get(f"value_{index}") or shown
            if self.cleaned_data.get(f"status_{index}") and value in self.known:
                chosen[value] = self.cleaned_data[f"status_{index}"]
        return chosen


class SaveSourceForm(forms.Form):
    """Keep how this file is read as a new data source (a name), or as the
    run's own data source (no name needed)."""

    name = forms.CharField(label=_("Name of the new data source"), max_length=120,
                           required=False, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self.new and not name:
            raise forms.ValidationError(_("Give the data source a name."))
        return name


class ConfirmForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Numbers that are already customers"), choices=DuplicatePolicy.choices,
        widget=UnfoldAdminSelectWidget,
    )
    assignment = forms.ChoiceField(
        label=_("Assign new customers"), choices=AssignmentRule.choices,
        widget=UnfoldAdminSelectWidget,
    )
    counsellors = forms.ModelMultipleChoiceField(
        label=_("Counsellors"), queryset=counsellors_active(), required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    default_area = forms.CharField(label=_("Area when the file has none"), required=False,
                                   max_length=120, widget=UnfoldAdminTextInputWidget)
    default_status = forms.ChoiceField(label=_("Status of new customers"), choices=Status.choices,
                                       widget=UnfoldAdminSelectWidget)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("assignment") not in (None, AssignmentRule.NONE) and not cleaned.get(
            "counsellors"
        ):
            self.add_error("counsellors", _("Choose who the new customers go to."))
        return cleaned

