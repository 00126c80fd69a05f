"""A paginator for lists over a million rows.

Three things cost more than drawing the page itself on PostgreSQL, and are
avoided here (measured in bench/changelist.py):

* ``COUNT(*)`` of the unfiltered table: PostgreSQL's own row estimate
  (``pg_class.reltuples``, kept fresh by autovacuum) is used instead above
  ``LIST_ESTIMATE_COUNT_ABOVE`` rows, and the list says "about N".
* Counting a broad search (tens of thousands of matches read from the heap):
  a search is counted up to ``LIST_SEARCH_COUNT_CAP`` matches, and the list
  says "more than N".
* A selective search ordered by date: the planner walks the date index and
  filters row by row. When a search matches few enough rows to be counted,
  it is ordered by an expression no index serves, so PostgreSQL finds the
  matches through the trigram indexes and sorts them in memory.

Every other list is counted exactly, and SQLite always counts exactly.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, OrderBy
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    is_estimate = False  # "about N": unfiltered and very large
    is_capped = False  # "more than N": a search with too many matches to count

    def __init__(self, *args, searching: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.searching = searching

    @cached_property
    def _postgresql(self) -> bool:
        queryset = self.object_list
        return (
            hasattr(queryset, "query")
            and connections[queryset.db].vendor == "postgresql"
            and not queryset.query.distinct
            and not queryset.query.combinator
        )

    @cached_property
    def count(self) -> int:
        if not self._postgresql:
            return super().count
        queryset = self.object_list
        if not queryset.query.where:
            estimate = self._estimate()
            if estimate is not None and estimate >= settings.LIST_ESTIMATE_COUNT_ABOVE:
                self.is_estimate = True
                return estimate
            return super().count
        if self.searching:
            cap = settings.LIST_SEARCH_COUNT_CAP
            found = queryset.order_by()[: cap + 1].count()
            if found > cap:
                self.is_capped = True
                return cap
            return found
        return super().count

    def page(self, number):
        number = self.validate_number(number)  # counts
        if self._postgresql and self.searching and not self.is_capped:
            self.object_list = _ordered_without_indexes(self.object_list)
        return super().page(number)

    def _estimate(self) -> int | None:
        queryset = self.object_list
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None


def _ordered_without_indexes(queryset):
    """The same ordering, written so that no index matches its first key."""
    terms = list(queryset.query.order_by)
    if not terms or not isinstance(terms[0], str):
        return queryset
    name = terms[0].lstrip("-")
    descending = terms[0].startswith("-")
    try:
        field = queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return queryset
    if field.primary_key or field.is_relation:
        return queryset
    expression = Coalesce(F(name), F(name))
    terms[0] = OrderBy(expression, descending=descending)
    return queryset.order_by(*terms)
