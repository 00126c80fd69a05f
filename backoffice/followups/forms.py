"""The Needs attention page's recycle form."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.accounts.models import User
from backoffice.accounts.selectors import counsellors_active
from backoffice.followups.recycle import REASON_MAX


class _Ids(forms.TypedMultipleChoiceField):
    """Customer ids from the page's rows: any number-looking value (which
    customers they are is decided by who may see them, not by the form)."""

    def valid_value(self, value):
        value = str(value)
        return value.isascii() and value.isdigit() and len(value) <= 18


SHARE = "share"


class RecycleForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Recycle to"))
    reason = forms.CharField(label=gettext_lazy("Because"), max_length=REASON_MAX)
    ids = _Ids(coerce=int, required=False)
    # every row of the page, for "Recycle all N on this page" (no ticking 50 boxes)
    page_ids = _Ids(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counsellors = list(counsellors_active())
        self.fields["to"].choices = [
            ("", _("Choose")),
            (SHARE, _("Share among the available counsellors")),
            *((str(user.pk), str(user)) for user in self.counsellors),
        ]

    def chosen(self) -> list[User]:
        """The counsellors to recycle to: the one chosen, or every active
        counsellor (the plan gives no customer back to its own)."""
        to = self.cleaned_data["to"]
        if to != SHARE:
            return [user for user in self.counsellors if str(user.pk) == to]
        return self.counsellors
