"""Hostile files sent to the import upload page, as a manager, through the
admin URL: refused with a message on the form before anything heavy runs,
and whatever is stored stays inside private storage under a safe name."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from backoffice.imports.models import ImportRun

pytestmark = pytest.mark.django_db

UPLOAD = "/imports/importrun/add/"
# "before heavy work": well under what a web worker may spend on a request
SECONDS = 10


def _xlsx(**replace: bytes) -> bytes:
    """A real workbook, with some of its XML parts replaced."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "phone"])
    sheet.append(["Anu", "9876543210"])
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = replace.get(item.filename, source.read(item.filename))
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED,
                            compresslevel=9)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _sheet(rows: bytes, doctype: bytes = b"") -> bytes:
    head = SHEET_HEAD
    if doctype:
        head = head.replace(b"?>", b"?>" + doctype, 1)
    header = (b'<row><c t="inlineStr"><is><t>name</t></is></c>'
              b'<c t="inlineStr"><is><t>phone</t></is></c></row>')
    return head + b"<sheetData>" + header + rows + b"</sheetData></worksheet>"


def _upload(client, content: bytes, name: str):
    started = time.monotonic()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    return response, time.monotonic() - started


def _assert_refused(response, seconds):
    assert seconds < SECONDS, f"took {seconds:.1f}s"
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert response.context["form"].errors.get("file"), "no message on the file field"
    assert not ImportRun.objects.exists()


def _assert_refused_or_harmless(client, response, seconds):
    """A file that may be read, if what is read is only the text it holds."""
    assert seconds < SECONDS, f"took {seconds:.1f}s"
    if response.status_code == 200:
        assert response.context["form"].errors.get("file")
        return
    assert response.status_code == 302, response.status_code
    started = time.monotonic()
    page = client.get(response["Location"], follow=True)
    assert time.monotonic() - started < SECONDS
    assert page.status_code == 200
    assert b"root:" not in page.content and b"lollollol" not in page.content


def test_the_hand_built_workbooks_below_are_read_when_harmless(manager_client):
    """The control: the workbooks built here are valid, so a refusal below is
    for what they hold."""
    row = b'<row><c t="inlineStr"><is><t>Anu</t></is></c><c><v>9876543210</v></c></row>'
    response, _seconds = _upload(manager_client, _xlsx(**{SHEET: _sheet(row * 3)}), "ok.xlsx")
    assert response.status_code == 302, response.context["form"].errors


def test_a_zip_bomb_workbook_is_refused(manager_client):
    row = b'<row><c t="inlineStr"><is><t>Anu</t></is></c><c><v>9876543210</v></c></row>'
    bomb = _xlsx(**{SHEET: _sheet(row * 1_500_000)})
    assert len(bomb) < 2_000_000  # a small file, 100+ MB of XML
    _assert_refused(*_upload(manager_client, bomb, "leads.xlsx"))


def test_a_csv_of_a_hundred_thousand_columns_is_refused(manager_client):
    header = ",".join(f"c{i}" for i in range(100_000))
    content = f"name,phone,{header}\nAnu,9876543210,{header}\n".encode()
    _assert_refused(*_upload(manager_client, content, "wide.csv"))


def test_billion_laughs_in_a_workbook_is_not_expanded(manager_client):
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10 if i else b"lol")
        for i in range(10))
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"
    row = b'<row><c t="inlineStr"><is><t>&lol9;</t></is></c><c><v>9876543210</v></c></row>'
    content = _xlsx(**{SHEET: _sheet(row, doctype)})
    _assert_refused_or_harmless(manager_client, *_upload(manager_client, content, "lol.xlsx"))


def test_an_external_entity_in_a_workbook_reads_no_file(manager_client):
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    row = b'<row><c t="inlineStr"><is><t>&xxe;</t></is></c><c><v>9876543210</v></c></row>'
    content = _xlsx(**{SHEET: _sheet(row, doctype)})
    _assert_refused_or_harmless(manager_client, *_upload(manager_client, content, "xxe.xlsx"))


def test_an_external_entity_in_the_shared_strings_reads_no_file(manager_client):
    strings = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>')
    row = b'<row><c t="s"><v>0</v></c><c><v>9876543210</v></c></row>'
    content = _xlsx(**{SHEET: _sheet(row), "xl/sharedStrings.xml": strings})
    _assert_refused_or_harmless(manager_client, *_upload(manager_client, content, "xxe2.xlsx"))


@pytest.mark.parametrize(("content", "name"), [
    (b"<!doctype html><html><body><table><tr><td>name</td></tr></table></body></html>",
     "leads.xlsx"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64), "leads.csv"),
    (b"PK\x03\x04" + bytes(200), "broken.xlsx"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "leads.csv"),
], ids=["html-as-xlsx", "png-as-csv", "broken-zip-as-xlsx", "pdf-as-csv"])
def test_a_file_of_the_wrong_type_by_content_is_refused(manager_client, content, name):
    _assert_refused(*_upload(manager_client, content, name))


@pytest.mark.parametrize("name", [
    "../../etc/passwd.csv", "..\\..\\windows\\leads.csv", "/etc/cron.d/leads.csv",
    "....//....//leads.csv", "%2e%2e%2fleads.csv", "a" * 280 + ".csv",
])
def test_a_hostile_file_name_stays_inside_private_storage(manager_client, private_storage,
                                                          name):
    response, _seconds = _upload(manager_client, b"name,phone\nAnu,9876543210\n", name)
    assert response.status_code in (200, 302), response.status_code
    for run in ImportRun.objects.all():
        stored = Path(run.file.path).resolve()
        assert stored.is_relative_to(private_storage.resolve()), stored
        assert run.file.name.startswith(f"imports/{run.uuid}/"), run.file.name
        assert ".." not in run.file.name and "\\" not in run.file.name
        assert "/" not in run.original_name and "\\" not in run.original_name
        page = manager_client.get(f"/imports/importrun/{run.pk}/preview/", follow=True)
        assert page.status_code == 200
