from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Managers read the change history of every customer."""

    dependencies = [
        ("audit", "0003_critical_actions"),
        ("customers", "0011_follow_up_index_partial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
