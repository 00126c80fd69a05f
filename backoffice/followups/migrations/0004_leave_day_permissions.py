from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """The roles' leave-day permissions (backoffice/accounts/roles.py)."""

    dependencies = [
        ("followups", "0003_attention_snapshot"),
        ("accounts", "0005_distribution_caps"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
