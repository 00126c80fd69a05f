"""Cursor pagination on a key (the ordering's field, then the id), so the
100th page costs what the first does and rows added meanwhile neither repeat
nor go missing. The cursor is opaque to callers: a base64 of the last row's
key and the ordering it belongs to."""

import base64
import binascii
import datetime
import json
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Key:
    """An ordering callers may ask for: a field of the row, and its kind."""

    field: str
    kind: str = "str"  # str, date, datetime or int
    descending: bool = False


def _value_text(value) -> object:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _value_parsed(text, kind: str):
    if kind == "int":
        if isinstance(text, int) and not isinstance(text, bool) and 0 <= text < 2**63:
            return text
        raise ValueError
    # NUL and lone surrogates ("\ud800" in the JSON): no database takes them
    if not isinstance(text, str) or len(text) > 400 or "\x00" in text or SURROGATE.search(text):
        raise ValueError
    if kind == "date":
        value = parse_date(text)
    elif kind == "datetime":
        value = parse_datetime(text)
        if value is not None:
            if value.tzinfo is None:  # the list's cursors carry their offset
                raise ValueError
            value.astimezone(datetime.UTC)  # OverflowError at the calendar's ends
    else:
        value = text
    if value is None:
        raise ValueError
    return value


class KeysetPagination(BasePagination):
    """Subclasses name their ``orderings`` (name → Key); the first is the default."""

    cursor_param = "cursor"
    ordering_param = "ordering"
    page_size_param = "page_size"
    orderings: dict[str, Key] = {"-id": Key("id", "int", descending=True)}

    # -- reading the request -------------------------------------------------
    def _ordering(self, request) -> tuple[str, Key]:
        name = request.query_params.get(self.ordering_param, next(iter(self.orderings)))
        if name not in self.orderings:
            raise ValidationError({self.ordering_param: [
                _("Order by one of: %s.") % ", ".join(self.orderings)]})
        return name, self.orderings[name]

    def _page_size(self, request) -> int:
        text = request.query_params.get(self.page_size_param)
        if text is None:
            return DEFAULT_PAGE_SIZE
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PAGE_SIZE):
            raise ValidationError({self.page_size_param: [
                _("A whole number from 1 to %d.") % MAX_PAGE_SIZE]})
        return int(text)

    def _cursor(self, request, name: str, key: Key):
        text = request.query_params.get(self.cursor_param)
        if not text:
            return None
        try:
            if len(text) > 1000:
                raise ValueError
            ordering, value, pk = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
            if ordering != name:
                raise ValueError
            pk = _value_parsed(pk, "int")
            value = pk if key.field == "id" else _value_parsed(value, key.kind)
        except (ValueError, TypeError, OverflowError, UnicodeError, binascii.Error):
            raise ValidationError({self.cursor_param: [
                _("Not a cursor of this list: use the “next” link as it was given.")]}) from None
        return value, pk

    # -- the page ------------------------------------------------------------
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        name, key = self._ordering(request)
        size = self._page_size(request)
        cursor = self._cursor(request, name, key)
        sign = "-" if key.descending else ""
        if key.field == "id":
            queryset = queryset.order_by(f"{sign}id")
        else:
            queryset = queryset.order_by(f"{sign}{key.field}", f"{sign}id")
        if cursor is not None:
            value, pk = cursor
            beyond = "lt" if key.descending else "gt"
            if key.field == "id":
                queryset = queryset.filter(**{f"id__{beyond}": pk})
            else:
                # the bound on the field alone lets the index start there
                queryset = queryset.filter(
                    Q(**{f"{key.field}__{beyond}e": value}),
                    Q(**{f"{key.field}__{beyond}": value}) | Q(**{key.field: value,
                                                                   f"id__{beyond}": pk}))
        rows = list(queryset[:size + 1])
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            value = None if key.field == "id" else _value_text(getattr(last, key.field))
            self.next_cursor = base64.urlsafe_b64encode(
                json.dumps([name, value, last.pk]).encode()).decode("ascii")
        return rows

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_param,
                                   self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next page, or null on the last one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_param, "in": "query", "required": False,
             "description": "Where the page starts: the cursor in the previous page's "
                            "“next” link.", "schema": {"type": "string"}},
            {"name": self.ordering_param, "in": "query", "required": False,
             "description": "The order of the list.",
             "schema": {"type": "string", "enum": list(self.orderings),
                        "default": next(iter(self.orderings))}},
            {"name": self.page_size_param, "in": "query", "required": False,
             "description": "Rows a page.",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                        "default": DEFAULT_PAGE_SIZE}},
        ]
