from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("never", _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "placeholder": _("e.g. Website CRM sync")}))
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="90")
