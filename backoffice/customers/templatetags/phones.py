"""``{{ number|phone }}``: a stored E.164 number as people read it
(``+91 98765 43210``), through the one helper every page uses."""

from django import template

from backoffice.customers.phones import phone_display

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    return phone_display(e164) if e164 else ""
