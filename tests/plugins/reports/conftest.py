from tests.backoffice.reports.conftest import team  # noqa: F401  (the shared fixture)
