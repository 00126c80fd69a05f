"""PostgreSQL's fast paths for the import's writes and its classification.

New customers: COPY into a temporary table, one ``INSERT … ON CONFLICT (phone)
DO NOTHING RETURNING``, then the history rows and the first status changes
written by the database from the rows it just inserted. Updates: COPY of the
changed values, one ``UPDATE … FROM`` whose ``RETURNING`` feeds the history
rows. No model instances, no per-row SQL; the same rows and history as the
ORM path in services._Writer, which SQLite uses.
"""

import datetime
import json

from django.db import connection

from backoffice.customers.models import Customer, StatusChange

# The columns an import sets on a new customer, in COPY order.
COPY_COLUMNS = (
    "name", "phone", "phone_raw", "area", "date_added", "status", "stage_reached",
    "statuses_seen", "remarks", "assigned_to_id", "assigned_at", "data_source_id", "import_run_id",
    "created_by_id", "updated_by_id", "email", "alternate_phone", "source_details",
)

_HISTORY_SET_BY_US = {"history_id", "history_date", "history_change_reason", "history_type",
                      "history_user_id"}


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _history_columns() -> list[str]:
    """The history table's copies of the customer's columns."""
    return [f.column for f in Customer.history.model._meta.concrete_fields
            if f.column not in _HISTORY_SET_BY_US]


def _copy_into_temp_table(cursor, name: str, columns: str, rows: list[tuple]) -> None:
    """A temporary table shaped like the customers' ``columns`` (no
    constraints: NULL may mean "unchanged"), filled by COPY."""
    cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS "
                   f"SELECT {columns} FROM {Customer._meta.db_table} WITH NO DATA")
    json_at = [i for i, column in enumerate(columns.split(", ")) if column == "source_details"]
    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    if row[i] is not None:
                        # COPY takes the JSON as text
                        row[i] = _json_text(row[i])
            copy.write_row(row)


def customers_insert(
    rows: list[tuple], *, now: datetime.datetime, by_id: int | None, reason: str
) -> dict[str, int]:
    """Insert ``rows`` (tuples in COPY_COLUMNS order); returns phone -> id of
    the customers actually created (a phone that exists already is skipped)."""
    if not rows:
        return {}
    customer_table = Customer._meta.db_table
    history_table = Customer.history.model._meta.db_table
    status_table = StatusChange._meta.db_table
    columns = ", ".join(COPY_COLUMNS)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        _copy_into_temp_table(cursor, "import_new", columns, rows)
        cursor.execute(
            f"INSERT INTO {customer_table} ({columns}, created_at, updated_at) "
            f"SELECT {columns}, %s, %s FROM import_new "
            f"ON CONFLICT (phone) DO NOTHING RETURNING id, phone",
            [now, now],
        )
        created = {phone: pk for pk, phone in cursor.fetchall()}
        cursor.execute("DROP TABLE import_new")
        if not created:
            return created
        ids = list(created.values())
        tracked = _history_columns()
        cursor.execute(
            f"INSERT INTO {history_table} ({', '.join(tracked)}, history_date, "
            f"history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(tracked)}, %s, %s, '+', %s FROM {customer_table} "
            f"WHERE id = ANY(%s)",
            [now, reason, by_id, ids],
        )
        cursor.execute(
            f"INSERT INTO {status_table} (customer_id, from_status, to_status, remark, "
            f"next_follow_up, changed_by_id, changed_at) "
            f"SELECT id, '', status, remarks, NULL, %s, %s FROM {customer_table} "
            f"WHERE id = ANY(%s)",
            [by_id, now, ids],
        )
    return created


# The fields an import may change on an existing customer, in COPY order after the id.
UPDATE_COLUMNS = ("name", "area", "date_added", "remarks", "email", "alternate_phone",
                  "source_details")


def _text_array(phones: list[str]) -> str:
    """E.164 numbers (``+`` and digits only) as one PostgreSQL array literal:
    one text parameter, not one adapted element per number."""
    if not all(phone[:1] == "+" and phone[1:].isdigit() for phone in phones):
        raise ValueError("Only E.164 numbers are looked up.")
    return "{" + ",".join(phones) + "}"


def customers_existing(phones: list[str]) -> list[tuple]:
    """(id, phone, import_run_id, assigned_to_id, *UPDATE_COLUMNS) of the
    customers with any of these numbers as their phone or their alternate
    phone: one array parameter, not thousands of literals."""
    if not phones:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, phone, import_run_id, assigned_to_id, {', '.join(UPDATE_COLUMNS)} "
            f"FROM {Customer._meta.db_table} WHERE phone = ANY(%s::text[]) "
            f"OR (alternate_phone = ANY(%s::text[]) AND alternate_phone <> '')",
            [_text_array(phones)] * 2,
        )
        rows = cursor.fetchall()
    # Django has psycopg give jsonb as text (its JSONField parses it)
    last = len(rows[0]) - 1 if rows else 0
    return [(*row[:last], json.loads(row[last]) if isinstance(row[last], str) else row[last])
            for row in rows]


def customers_update(
    changes: list[tuple], *, now: datetime.datetime, by_id: int | None, reason: str
) -> int:
    """Apply ``changes``, tuples (id, *UPDATE_COLUMNS) where None means "leave
    as it is", and write a history row for every customer changed."""
    if not changes:
        return 0
    customer_table = Customer._meta.db_table
    history_table = Customer.history.model._meta.db_table
    columns = ", ".join(("id", *UPDATE_COLUMNS))
    assignments = ", ".join(f"{c} = COALESCE(u.{c}, c.{c})" for c in UPDATE_COLUMNS)
    tracked = _history_columns()
    returned = ", ".join(f"c.{column}" for column in tracked)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _copy_into_temp_table(cursor, "import_changes", columns, changes)
        cursor.execute(
            f"WITH changed AS ("
            f"  UPDATE {customer_table} c SET {assignments}, updated_by_id = %s, updated_at = %s"
            f"  FROM import_changes u WHERE c.id = u.id RETURNING {returned}"
            f") INSERT INTO {history_table} ({', '.join(tracked)}, history_date, "
            f"history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(tracked)}, %s, %s, '~', %s FROM changed",
            [by_id, now, now, reason, by_id],
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE import_changes")
    return written
