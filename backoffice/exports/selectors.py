"""Who may see an export: the person who asked for it, and superusers."""

from django.db.models import QuerySet

from backoffice.exports.models import ExportJob


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    if not (user.is_authenticated and user.is_active):
        return ExportJob.objects.none()
    jobs = ExportJob.objects.select_related("created_by")
    if user.is_superuser:
        return jobs
    return jobs.filter(created_by=user)
