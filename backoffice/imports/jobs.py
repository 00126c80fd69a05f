"""rq entry points for imports: thin wrappers around the services."""

from backoffice.imports.models import ImportRun
from backoffice.imports.services import import_run_execute


def import_run_job(run_id: int) -> dict:
    run = ImportRun.objects.select_related("data_source", "created_by").get(pk=run_id)
    run = import_run_execute(run=run)
    return {"state": run.state, **run.counts()}
