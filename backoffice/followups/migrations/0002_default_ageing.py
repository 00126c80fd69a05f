from django.db import migrations

DEFAULTS = {
    "new": 1, "valid": 3, "call_not_attended": 2, "call_later": 3,
    "waiting_for_decision": 5, "waiting_for_documents": 5, "waiting_for_fees": 7,
    "waiting_for_confirmation": 5, "waiting_for_joining": 7, "admission": 14,
}


def add_defaults(apps, schema_editor):
    StatusAgeing = apps.get_model("followups", "StatusAgeing")
    for status, days in DEFAULTS.items():
        StatusAgeing.objects.get_or_create(status=status, defaults={"max_idle_days": days})


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
