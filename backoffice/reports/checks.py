from django.core.checks import register

from backoffice.core.plugins import duplicate_identifier_errors


@register()
def check_report_identifiers(app_configs, **kwargs):
    from backoffice.reports.registry import report_classes

    return duplicate_identifier_errors(report_classes(), kind="report", check_id="reports.E001")
