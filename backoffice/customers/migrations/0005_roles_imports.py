from django.db import migrations


def sync_roles(apps, schema_editor):
    from backoffice.accounts.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_customer_import_origin"),
        ("imports", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
