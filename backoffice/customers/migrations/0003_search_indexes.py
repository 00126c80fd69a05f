"""Trigram indexes for the customer search on PostgreSQL.

Django's icontains is ``UPPER(col) LIKE UPPER('%term%')``; a GIN trigram index
on ``UPPER(col)`` serves it, so a search over a million customers reads a few
index pages instead of the whole table. SQLite has no such index and skips it.
"""

from django.db import migrations

COLUMNS = ["name", "area", "remarks"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{column}_trgm "
            f"ON customers_customer USING gin (UPPER({column}) gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_phone_trgm_plain "
        "ON customers_customer USING gin (phone gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS customer_phone_trgm_plain")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_roles")]
    operations = [migrations.RunPython(create, drop)]
