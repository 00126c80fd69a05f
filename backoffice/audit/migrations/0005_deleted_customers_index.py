from django.db import migrations


class Migration(migrations.Migration):
    """The change history finds deleted customers by phone or name through
    their deletion records alone: a partial index holds only those (few), so
    imports, which write many history rows, do not pay for it."""

    dependencies = [
        ("audit", "0004_roles_history"),
        ("customers", "0012_change_history_names"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS customer_history_deleted_idx "
            "ON customers_historicalcustomer (phone) WHERE history_type = '-'",
            "DROP INDEX IF EXISTS customer_history_deleted_idx",
        ),
    ]
