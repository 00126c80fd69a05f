"""Spreadsheet formulas typed or imported into any field come out of every
CSV and XLSX the product serves as text, and every CSV starts with a BOM.

``test_every_download_route_is_covered`` fails when a route serving files
appears that this file does not download: add it to DOWNLOADS."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from openpyxl import load_workbook

from backoffice.customers import services
from backoffice.customers.models import Customer
from backoffice.customers.resources import CustomerResource
from backoffice.imports import services as import_services
from backoffice.imports.models import DataSource
from backoffice.reports.registry import report_classes
from tests.factories import second_factor_given
from tests.factories import CounsellorFactory
from tests.security.payloads import FORMULAS, formula_cells
from tests.security.site import routes

pytestmark = pytest.mark.django_db

# the routes that serve files, each downloaded below
DOWNLOADS = {"admin:customers_customer_export", "reports:export",
             "admin:imports_importrun_errors"}


# The background exports' pages (their files are the same writers' output:
# tests/backoffice/exports/test_exports.py checks formulas and BOM in them).
EXPORT_JOB_PAGES = "admin:exports_exportjob_"


def test_every_download_route_is_covered():
    serving = {r.name for r in routes()
               if any(word in r.route for word in ("export", "errors", "download", ".csv"))
               and r.name and r.name != "admin:app_list"
               and not r.name.startswith(EXPORT_JOB_PAGES)}
    assert serving <= DOWNLOADS, serving - DOWNLOADS


@pytest.fixture
def formulas(manager, db):
    """A formula in every text field of customers, counsellors, sources, and
    in the rows of an import that fail."""
    counsellor = CounsellorFactory(username="formula", first_name=FORMULAS[0],
                                   last_name=FORMULAS[1])
    source = DataSource.objects.create(name=FORMULAS[2], slug="formula", importer="standard")
    for i, formula in enumerate(FORMULAS):
        customer = services.customer_create(
            name=formula, phone=f"98765440{i:02d}", area=formula, remarks=formula, by=manager,
            assigned_to=counsellor)
        services.customer_change_status(customer=customer, status="valid", remark=formula,
                                        by=counsellor)
    Customer.objects.update(data_source=source)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "phone", "area", "remarks", "notes"])
    for formula in FORMULAS:
        writer.writerow([formula, "12", formula, formula, formula])  # 12: not a phone
    run = import_services.import_run_create(
        upload=ContentFile(out.getvalue().encode(), name="formulas.csv"), by=manager)
    run.settings = {**run.settings, "policy": "skip"}
    run.save()
    import_services.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.error_report
    return {"run": run, "counsellor": counsellor}


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_csv_safe(response, what):
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf"), f"{what}: no BOM"
    cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    assert cells, what
    assert not formula_cells(cells), (what, formula_cells(cells))


def _assert_xlsx_safe(response, what):
    workbook = load_workbook(io.BytesIO(_body(response)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells, what
    live = [c.value for c in cells if c.data_type == "f"]
    live += formula_cells([c.value for c in cells])
    assert not live, (what, live)


def _export_post(fmt_index):
    names = [f.column_name or f.attribute for f in CustomerResource().get_export_fields()]
    fields = {f"customerresource_{name}": "on" for name in CustomerResource._meta.fields}
    assert names
    return {"format": fmt_index, "resource": "0", **fields}


@pytest.mark.parametrize(("fmt", "index"), [("csv", "0"), ("xlsx", "1")])
def test_the_customer_export_neutralises_formulas(formulas, manager_client, fmt, index):
    response = manager_client.post("/customers/customer/export/", _export_post(index))
    check = _assert_csv_safe if fmt == "csv" else _assert_xlsx_safe
    check(response, f"customer export {fmt}")
    assert FORMULAS[1].encode() in _body(response) or fmt == "xlsx"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("report", [cls.identifier for cls in report_classes()])
def test_every_report_export_neutralises_formulas(formulas, manager_client, report, fmt):
    response = manager_client.get(f"/reports/{report}/export/{fmt}/", {"preset": "year"})
    check = _assert_csv_safe if fmt == "csv" else _assert_xlsx_safe
    check(response, f"{report} {fmt}")


def test_the_problem_rows_csv_neutralises_formulas(formulas, manager_client):
    run = formulas["run"]
    response = manager_client.get(f"/imports/importrun/{run.pk}/errors.csv")
    _assert_csv_safe(response, "errors.csv")


def test_the_problem_rows_xlsx_neutralises_formulas(formulas, manager_client):
    run = formulas["run"]
    response = manager_client.get(f"/imports/importrun/{run.pk}/errors.xlsx")
    _assert_xlsx_safe(response, "errors.xlsx")


def test_the_counsellors_own_report_exports_neutralise_formulas(formulas):
    client = Client()
    client.force_login(formulas["counsellor"])
    second_factor_given(client, formulas["counsellor"])
    for cls in report_classes():
        if not cls.visible_to(formulas["counsellor"]):
            continue
        for fmt, check in (("csv", _assert_csv_safe), ("xlsx", _assert_xlsx_safe)):
            check(client.get(f"/reports/{cls.identifier}/export/{fmt}/", {"preset": "year"}),
                  f"{cls.identifier} {fmt} (counsellor)")
