"""rq entry points for exports: thin wrappers around the services."""

from backoffice.exports.models import ExportJob
from backoffice.exports.services import export_job_execute


def export_job_run(job_id: int) -> dict:
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ExportJob.State.QUEUED:
        return {"state": job.state}
    job = export_job_execute(job=job)
    return {"state": job.state, "rows": job.rows_done}
