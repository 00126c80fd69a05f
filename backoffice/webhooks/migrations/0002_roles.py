from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The roles' webhook permissions (backoffice/accounts/roles.py): managers
    edit endpoints, managers and compliance read them and the deliveries."""

    dependencies = [
        ("webhooks", "0001_initial"),
        ("followups", "0004_leave_day_permissions"),
        ("accounts", "0005_distribution_caps"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
