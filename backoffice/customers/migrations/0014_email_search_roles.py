"""The email joins the customer search (a trigram index on PostgreSQL, like
name, area and remarks), source details are found by value (a GIN index),
and managers may add and change data sources."""

from django.db import migrations


def email_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_email_trgm "
        "ON customers_customer USING gin (UPPER(email) gin_trgm_ops)"
    )
    # source details are found by a whole value (jsonb_ops indexes every key
    # and value; a trigram index of the whole JSON text cost an import of
    # 100,000 rows with a dozen details about 20 s more: bench/README.md)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_source_details_gin "
        "ON customers_customer USING gin (source_details)"
    )


def email_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_email_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS customer_source_details_gin")


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_source_details"),
        ("imports", "0003_source_details"),
    ]

    operations = [
        migrations.RunPython(email_index, email_index_drop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
