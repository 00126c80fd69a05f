from django import forms
from django.utils.translation import gettext_lazy as _


class MonthlyTargetForm(forms.Form):
    target = forms.IntegerField(
        label=_("Admissions per month"), min_value=0, max_value=10_000, required=False,
        help_text=_("Leave empty for no target."),
    )
