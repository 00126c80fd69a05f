"""Form fields every form of ours shares."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import INPUT_CLASSES

DAY_FIRST = "%d/%m/%Y"
DAY_FIRST_HINT = _("dd/mm/yyyy")


class DayFirstDateInput(forms.DateInput):
    """A date box in unfold's style that reads and writes day first
    (25/12/2026) whatever the browser's language: a native ``type=date``
    box shows the browser's order (mm/dd/yyyy in an American browser)."""

    def __init__(self, attrs=None):
        base = {"class": " ".join(INPUT_CLASSES), "placeholder": DAY_FIRST_HINT,
                "inputmode": "numeric", "autocomplete": "off", "maxlength": "10",
                "data-date-box": "day-first"}
        super().__init__(attrs={**base, **(attrs or {})}, format=DAY_FIRST)


class DayFirstDateField(forms.DateField):
    widget = DayFirstDateInput
    default_error_messages = {
        "invalid": _("Write the date day first, as day/month/year (for example 25/12/2026)."),
    }
