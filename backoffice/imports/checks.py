from django.core.checks import register

from backoffice.core.plugins import duplicate_identifier_errors


@register()
def check_importer_identifiers(app_configs, **kwargs):
    from backoffice.imports.plugins import importer_classes

    return duplicate_identifier_errors(importer_classes(), kind="importer", check_id="imports.E001")
