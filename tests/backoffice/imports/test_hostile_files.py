"""Files made to hurt: NUL bytes, zip bombs, entity expansion, external
entities, too many columns or rows, content that is not what the name says.
Each is refused early with a message for the person, or (NUL bytes) read
without harm. The hostile files are generated here and stay small on disk."""

import io

import pytest
from django.core.files.base import ContentFile

from backoffice.customers.models import Customer
from backoffice.imports import services
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import assert_accounted

pytestmark = pytest.mark.django_db

HEADER = "name,phone,area,date,remarks"


def _execute(content: bytes, name: str, by) -> ImportRun:
    run = services.import_run_create(upload=ContentFile(content, name=name), by=by)
    run.settings = {**run.settings, "policy": "skip"}
    run.save()
    services.import_run_execute(run=run)
    return assert_accounted(run)


# --- NUL bytes ---------------------------------------------------------------------


def test_a_nul_byte_deep_inside_a_csv_is_dropped_and_the_file_imports(manager):
    # past the first 64 KB the reader sniffs, where a NUL means a binary file
    filler = [f"Lead {i},98{i:08d},Kochi,,{'note ' * 45}" for i in range(300)]
    rows = [*filler, "An\x00u,9876543210,Ko\x00chi,,first\x00line", "Bina,9876543211,Kochi,,"]
    content = "\n".join([HEADER, *rows]).encode()
    assert len(content) > 64 * 1024
    run = _execute(content, "leads.csv", manager)
    assert run.state == ImportRun.State.COMPLETED, run.message
    assert run.created == 302
    anu = Customer.objects.get(phone="+919876543210")
    assert (anu.name, anu.area, anu.remarks) == ("Anu", "Kochi", "firstline")


def test_a_nul_byte_in_a_workbook_cell_is_dropped_and_the_file_imports(manager):
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for number, row in enumerate([HEADER.split(","), ["An\x00u", "9876543210", "Kochi", "", "x\x00"],
                                  ["Bina", "9876543211", "Kochi", "", ""]]):
        sheet.write_row(number, 0, row)
    workbook.close()
    run = _execute(buffer.getvalue(), "leads.xlsx", manager)
    assert run.state == ImportRun.State.COMPLETED, run.message
    assert run.created == 2
    anu = Customer.objects.get(phone="+919876543210")
    assert (anu.name, anu.remarks) == ("Anu", "x")
