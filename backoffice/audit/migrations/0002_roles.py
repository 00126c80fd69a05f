from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Managers read the activity log."""

    dependencies = [
        ("audit", "0001_initial"),
        ("customers", "0007_reporting_fields"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
