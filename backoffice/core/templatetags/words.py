"""Template filters for values in people's words (see backoffice.core.words)."""

from django import template

from backoffice.core import words

register = template.Library()


@register.filter
def local_datetime(value):
    return words.local_datetime(value)


@register.filter
def local_date(value):
    return words.local_date(value)


@register.filter
def status_label(value):
    return words.status_label(value)
