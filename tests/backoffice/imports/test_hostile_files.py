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


# --- hostile uploads, refused at the upload with a message for the manager -------------

UPLOAD = "admin:imports_importrun_add"


def _workbook(rows) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()


def _rewrite(content: bytes, member: str, change) -> bytes:
    """The workbook with one member's XML changed (``change(text) -> text``)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                data = change(data.decode()).encode()
            target.writestr(name, data)
    return buffer.getvalue()


def _many_rows_sheet(text: str, rows: int) -> str:
    """A sheet of ``rows`` identical rows: megabytes of XML, a few KB zipped."""
    row = '<row><c t="inlineStr"><is><t>x</t></is></c><c><v>9876543210</v></c></row>'
    head, tail = text.split("</sheetData>")
    return head + row * rows + "</sheetData>" + tail


@pytest.fixture
def nothing_parses(monkeypatch):
    """A refused file must be refused before a spreadsheet library reads it."""
    import openpyxl
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("a spreadsheet library was asked to read a hostile file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _refused(client, content: bytes, name: str) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200  # the form again, with the reason
    assert not ImportRun.objects.exists()
    return " ".join(response.content.decode().split())


def test_a_zip_bomb_workbook_is_refused_by_its_declared_size(manager_client, settings,
                                                             nothing_parses):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = _rewrite(_workbook([["name", "phone"]]), "xl/worksheets/sheet1.xml",
                    lambda text: _many_rows_sheet(text, 40_000))  # ~3 MB of XML
    assert len(bomb) < 40_000
    page = _refused(manager_client, bomb, "leads.xlsx")
    assert "unpacks to more than 2 MB" in page


def test_a_workbook_that_lies_about_its_size_is_refused(manager_client, nothing_parses):
    import struct
    import zipfile

    content = bytearray(_rewrite(_workbook([["name", "phone"]]), "xl/worksheets/sheet1.xml",
                                 lambda text: _many_rows_sheet(text, 40_000)))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    # declare 1 KB in the local header and the central directory
    struct.pack_into("<I", content, info.header_offset + 22, 1024)
    central = content.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46:central + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", content, central + 24, 1024)
            break
        central = content.find(b"PK\x01\x02", central + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(
        "xl/worksheets/sheet1.xml").file_size == 1024
    page = _refused(manager_client, bytes(content), "leads.xlsx")
    assert "do not match what it declares" in page


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10)).replace(
        "&lol1;", "&lol;")
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "&lol9;"), (XXE, "&xxe;")],
                         ids=["billion-laughs", "xxe"])
def test_entity_declarations_in_a_workbook_are_refused(manager_client, nothing_parses, dtd,
                                                       entity):
    def poison(text):
        declaration, rest = text.split("?>", 1)
        return dtd + rest.replace("<t>Anu</t>", f"<t>{entity}</t>")

    content = _rewrite(_workbook([["name", "phone"], ["Anu", "9876543210"]]),
                       "xl/sharedStrings.xml", poison)
    page = _refused(manager_client, content, "leads.xlsx")
    assert "declares entities" in page


def test_a_csv_of_100000_columns_is_refused_before_it_is_parsed(manager_client, monkeypatch):
    from backoffice.imports import readers

    monkeypatch.setattr(readers, "_csv_rows", lambda *a: pytest.fail("the CSV was parsed"))
    content = ("name,phone," + ",".join(f"c{i}" for i in range(100_000)) + "\n").encode()
    page = _refused(manager_client, content, "leads.csv")
    assert "the limit is 200" in page


def test_a_wide_row_later_in_a_csv_is_refused(manager_client):
    content = ("name,phone\nAnu,9876543210\n" + "x," * 300 + "\n").encode()
    page = _refused(manager_client, content, "leads.csv")
    assert "A row has 301 columns or more; the limit is 200" in page


def test_a_workbook_of_too_many_columns_is_refused(manager_client):
    page = _refused(manager_client, _workbook([["name", "phone", *["x"] * 300]]), "leads.xlsx")
    assert "the limit is 200" in page


def test_rows_are_counted_while_the_preview_reads(manager_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.IMPORT_MAX_ROWS = 3
    content = ("name,phone\n" + "".join(f"A,98765432{i:02d}\n" for i in range(5))).encode()
    manager_client.post(reverse(UPLOAD), {"file": SimpleUploadedFile("leads.csv", content)})
    run = ImportRun.objects.get()
    response = manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]),
                                  follow=True)
    assert "more than 3 rows" in response.content.decode()


def test_text_named_as_a_workbook_that_is_not_delimited_is_refused(manager_client):
    page = _refused(manager_client, b"Dear customer,\nYour statement is attached.\n", "leads.xlsx")
    assert "is a text file, not an Excel workbook" in page


def test_a_zip_that_is_not_a_workbook_is_refused_at_upload(manager_client, nothing_parses):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    page = _refused(manager_client, buffer.getvalue(), "leads.xlsx")
    assert "not an Excel workbook" in page


def test_a_stray_nul_near_the_top_of_a_csv_keeps_the_file(manager):
    from backoffice.customers.models import Customer
    from tests.backoffice.imports.conftest import run_import

    run = run_import(["A\x00B,9876511111,Kochi,,", "Cee,9876511112,Kochi,,"], by=manager,
                     name="nul.csv")
    assert run.created == 2
    assert Customer.objects.filter(name="AB").exists()


def test_a_binary_file_named_csv_is_still_refused(manager_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    response = manager_client.post("/imports/importrun/add/", {
        "file": SimpleUploadedFile("leads.csv", png)})
    assert response.status_code == 200
    assert "is an image, not a spreadsheet" in response.content.decode()


# --- OpenDocument spreadsheets: the zip defences, and repeats that stand for millions -------


def test_an_ods_whose_cells_repeat_into_millions_is_refused_at_upload(manager_client,
                                                                      nothing_parses):
    from tests.backoffice.imports import samples

    bomb = ('<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell office:value-type="float" office:value="9876543210" '
            'table:number-columns-repeated="100"><text:p>1</text:p></table:table-cell>'
            "</table:table-row>")
    content = samples.ods_bytes({}, tables_xml={"Leads": samples.ods_rows_xml(
        [["name", "phone"]]) + bomb})
    assert len(content) < 2000
    page = _refused(manager_client, content, "leads.ods")
    assert "1,000,001 rows of 100 columns once its repeated cells are counted" in page


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "&lol9;"), (XXE, "&xxe;")],
                         ids=["billion-laughs", "xxe"])
def test_entity_declarations_in_an_ods_are_refused(manager_client, nothing_parses, dtd, entity):
    from tests.backoffice.imports import samples

    declaration = dtd.split("?>", 1)[1]
    content = samples.ods_bytes({}, prolog=declaration, tables_xml={
        "Leads": samples.ods_rows_xml([["name", "phone"], ["Anu", "9876543210"]]).replace(
            "<text:p>Anu</text:p>", f"<text:p>{entity}</text:p>")})
    page = _refused(manager_client, content, "leads.ods")
    assert "declares entities" in page


def test_a_zip_bomb_ods_is_refused_by_its_declared_size(manager_client, settings, nothing_parses):
    from tests.backoffice.imports import samples

    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = samples.ods_bytes({"Leads": [["name", "phone"]] + [["x", 9876543210]] * 30_000})
    assert len(bomb) < 60_000
    page = _refused(manager_client, bomb, "leads.ods")
    assert "unpacks to more than 2 MB" in page


def test_a_web_page_uploaded_as_a_spreadsheet_is_refused_without_quoting_it(manager_client):
    page_html = (b"<!DOCTYPE html><html><head><title>Session expired</title></head><body>"
                 b"<img src=x onerror=alert(1)>" + b"<p>login</p>" * 2000 + b"</body></html>")
    page = _refused(manager_client, page_html, "leads.xls")
    assert "is a web page (HTML), not a spreadsheet" in page
    assert "onerror" not in page and "Session expired" not in page
