from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The Compliance role: read-only change history, activity log, login
    attempts and import runs."""

    dependencies = [
        ("audit", "0005_deleted_customers_index"),
        ("axes", "0010_accessattemptexpiration"),
        ("imports", "0002_heartbeat"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
