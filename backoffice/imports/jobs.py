"""Job entry points for imports (rq, or a thread of the web process in the
embedded setup): thin wrappers around the services."""

from backoffice.imports.models import ImportRun
from backoffice.imports.services import (
    import_preview_execute, import_run_execute, import_run_revert_execute,
)


def import_run_job(run_id: int) -> dict:
    run = ImportRun.objects.select_related("data_source", "created_by").get(pk=run_id)
    run = import_run_execute(run=run)
    return {"state": run.state, **run.counts()}


def import_preview_job(run_id: int) -> None:
    run = ImportRun.objects.select_related("data_source", "created_by").get(pk=run_id)
    import_preview_execute(run=run)


def import_revert_job(run_id: int, by_id: int) -> dict:
    from backoffice.accounts.models import User

    run = ImportRun.objects.select_related("data_source", "created_by").get(pk=run_id)
    by = User.objects.get(pk=by_id)
    run = import_run_revert_execute(run=run, by=by)
    return {"state": run.state, **(run.settings or {}).get("revert", {})}
