"""Every CSV and XLSX the product serves, requested through its URL with
spreadsheet formulas in the data (and in an uploaded file's headers): each
formula arrives as text, every CSV starts with a UTF-8 BOM.

The files served: the customers export (CSV, XLSX), every report's export
(CSV, XLSX) and an import's problem rows (CSV, XLSX)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from backoffice.imports.models import ImportRun
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x","Click")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "+cmd",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]
BOM = "\ufeff".encode()


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _csv_cells(response) -> list[str]:
    body = _body(response)
    assert body.startswith(BOM), body[:20]
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
            for cell in row]


def _xlsx_cells(response) -> list:
    sheet = load_workbook(io.BytesIO(_body(response))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)  # no formula anywhere
    # a carriage return is stored escaped (Excel reads it back; openpyxl does not)
    return [cell.value.replace("_x000D_", "\r") if isinstance(cell.value, str) else cell.value
            for cell in cells]


def _assert_defused(cells, payloads=PAYLOADS):
    for payload in payloads:
        assert payload not in cells, payload
        assert "'" + payload in cells, payload


# --- an import's problem rows -----------------------------------------------------


@pytest.fixture
def imports_here(settings, tmp_path):
    """Import jobs run in this process; uploads go to this test's own folder."""
    settings.JOBS_RUN_IN_PROCESS = True
    settings.JOBS_IN_PROCESS_THREADS = False  # inside the test, as tests/conftest.py has it
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


def _problem_rows(manager_client, django_capture_on_commit_callbacks) -> ImportRun:
    lines = ["name,phone,=HYPERLINK(\"http://evil.example\")"]
    for payload in PAYLOADS:
        quoted = '"' + payload.replace('"', '""') + '"'
        lines.append(f"{quoted},12,x")  # 12 is no phone number: a problem row
    lines.append("Anu,+12,x")  # a plain number stays a number
    upload = SimpleUploadedFile("leads.csv", "\n".join(lines).encode())
    manager_client.post(reverse("admin:imports_importrun_add"), {"file": upload})
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("admin:imports_importrun_preview", args=[run.pk]),
                            {"confirm": "1", "policy": "skip", "assignment": "none",
                             "default_status": "new"})
    run.refresh_from_db()
    assert run.invalid == len(PAYLOADS) + 1
    return run


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_problem_rows_defuse_formulas(manager_client, django_capture_on_commit_callbacks,
                                     imports_here, fmt):
    run = _problem_rows(manager_client, django_capture_on_commit_callbacks)
    response = manager_client.get(reverse("admin:imports_importrun_errors", args=[run.pk, fmt]))
    assert response.status_code == 200
    cells = _csv_cells(response) if fmt == "csv" else _xlsx_cells(response)
    _assert_defused(cells, [*PAYLOADS, '=HYPERLINK("http://evil.example")'])
    assert "+12" in cells


# --- the customers export ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_customers_export_defuses_formulas(manager_client, fmt):
    for payload in PAYLOADS:
        CustomerFactory(name=payload, remarks=payload)
    response = manager_client.post(
        reverse("admin:customers_customer_export"),
        {"format": "0" if fmt == "csv" else "1", "resource": "0",
         **{f"customerresource_{f}": "on" for f in ("id", "name", "phone", "remarks")}},
    )
    assert response.status_code == 200
    cells = _csv_cells(response) if fmt == "csv" else _xlsx_cells(response)
    _assert_defused(cells)


# --- report exports -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_exports_defuse_formulas(manager_client, fmt):
    for payload in PAYLOADS:
        CustomerFactory(area=payload)
    response = manager_client.get(f"/reports/area_distribution/export/{fmt}/?preset=this_year")
    assert response.status_code == 200
    cells = _csv_cells(response) if fmt == "csv" else _xlsx_cells(response)
    _assert_defused(cells)
