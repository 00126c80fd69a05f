"""A paginator that does not count a million rows to draw one page.

An unfiltered list over a very large table takes PostgreSQL's own row
estimate (pg_class.reltuples, kept fresh by autovacuum) instead of COUNT(*);
the list says "about N" when it does. Every filtered list, and every list on
SQLite, is counted exactly.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self) -> int:
        estimate = self._estimate()
        if estimate is not None and estimate >= settings.LIST_ESTIMATE_COUNT_ABOVE:
            self.is_estimate = True
            return estimate
        return super().count

    def _estimate(self) -> int | None:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None
