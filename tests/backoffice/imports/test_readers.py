import codecs
import datetime
import re
import zipfile

import pytest
from openpyxl import Workbook

from backoffice.imports.readers import FileProblem, headers_for_message, iter_rows, open_table
from tests.backoffice.imports import samples


def _rows(path, **kwargs):
    table = open_table(path, **kwargs)
    return table, list(iter_rows(path, table))


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("name,phone\nJosé,9876543210\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "name,phone\nJosé,9876543210\n".encode(), "utf-8-sig"),
        ("name,phone\nJosé,9876543210\n".encode("cp1252"), "cp1252"),
    ],
)
def test_csv_encodings_are_detected(tmp_path, raw, encoding):
    path = tmp_path / "leads.csv"
    path.write_bytes(raw)
    table, rows = _rows(path)
    assert table.encoding == encoding
    assert rows[1] == (2, ["José", "9876543210"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_are_sniffed(tmp_path, delimiter):
    path = tmp_path / "leads.csv"
    path.write_text(delimiter.join(["name", "phone", "area"]) + "\n"
                    + delimiter.join(["Anu", "9876543210", "Kochi"]) + "\n")
    table, rows = _rows(path)
    assert table.delimiter == delimiter
    assert rows[1][1] == ["Anu", "9876543210", "Kochi"]


def test_csv_quoted_multiline_fields_and_crlf(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b'name,remarks\r\n"Anu","line one\r\nline two"\r\n\r\nBina,x\r\n')
    _, rows = _rows(path)
    assert rows == [(1, ["name", "remarks"]), (2, ["Anu", "line one\r\nline two"]),
                    (4, ["Bina", "x"])]


def test_csv_blank_rows_are_skipped_with_row_numbers_kept(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("name,phone\n,\nAnu,9876543210\n , \n")
    _, rows = _rows(path)
    assert [number for number, _ in rows] == [1, 3]


def test_xlsx_keeps_cell_types_and_row_numbers(tmp_path):
    wb = Workbook()
    wb.active.append(["Title"])
    wb.active.append(["Name", "Mobile"])
    wb.active.append(["Anu", 9876543210])
    path = tmp_path / "leads.xlsx"
    wb.save(path)
    table, rows = _rows(path)
    assert table.kind == "xlsx" and table.sheet == "Sheet"
    assert rows[2][0] == 3 and rows[2][1][1] in (9876543210, 9876543210.0)


def test_xlsx_sheet_can_be_chosen(tmp_path):
    wb = Workbook()
    wb.active.append(["first"])
    wb.create_sheet("Leads").append(["second"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    table = open_table(path, sheet="Leads")
    assert list(iter_rows(path, table)) == [(1, ["second"])]
    with pytest.raises(FileProblem, match="no sheet"):
        open_table(path, sheet="Missing")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "damaged or is not an Excel"),
        (b"PK\x03\x04garbage that is not a zip", "damaged"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "is an image, not a spreadsheet"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, message):
    path = tmp_path / "leads.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=message):
        table = open_table(path)
        list(iter_rows(path, table))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "leads.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileProblem):
        table = open_table(path)
        list(iter_rows(path, table))


def _trimmed(rows):
    out = []
    for number, cells in rows:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        out.append((number, cells))
    return out


def test_a_big_workbook_is_streamed_with_the_same_rows_and_values(tmp_path):
    import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(["Leads from the expo"])
    ws.append([])
    ws.append(["Name", "Mobile", "Date", "Remarks"])
    ws.append(["Anu", 9876543210, datetime.date(2026, 11, 24), "=SUM(A1)"])
    ws.append([None, None, None, None])
    ws.append(["Bina", "98765 43211", datetime.datetime(2026, 11, 23, 10, 30), None])
    ws.append(["Chitra", 9876543212.0, 46000, ""])
    path = tmp_path / "leads.xlsx"
    wb.save(path)
    loaded = open_table(path)
    streamed = open_table(path, stream_above=0)
    assert not loaded.streamed and streamed.streamed
    assert open_table(path, stream_above=path.stat().st_size).streamed is False
    rows = _trimmed(iter_rows(path, streamed))
    assert rows == _trimmed(iter_rows(path, loaded))
    assert [number for number, _ in rows] == [1, 3, 4, 6, 7]


def test_a_loaded_workbook_is_parsed_once_however_often_it_is_read(tmp_path, monkeypatch):
    from backoffice.imports import readers

    wb = Workbook()
    wb.active.append(["Name", "Mobile"])
    wb.active.append(["Anu", 9876543210])
    path = tmp_path / "leads.xlsx"
    wb.save(path)
    opened = []
    original = readers._workbook
    monkeypatch.setattr(readers, "_workbook",
                        lambda *args: opened.append(args) or original(*args))
    table = open_table(path)
    opened.clear()
    assert list(iter_rows(path, table)) == list(iter_rows(path, table))
    assert len(opened) == 1


def test_a_streamed_workbook_with_a_stale_declared_size_is_read_whole(tmp_path):
    import re

    wb = Workbook()
    wb.active.append(["name", "phone"])
    for i in range(5):
        wb.active.append([f"Lead {i}", 9876543210 + i])
    made = tmp_path / "made.xlsx"
    wb.save(made)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, found = re.subn(rb'<dimension ref="[^"]*"\s*/>',
                                      b'<dimension ref="A1"/>', data)
                assert found == 1
            target.writestr(item, data)
    table = open_table(stale, stream_above=0)
    assert table.streamed
    assert [number for number, _ in iter_rows(stale, table)] == [1, 2, 3, 4, 5, 6]


# --- .xls and .ods, read by calamine like .xlsx -----------------------------------------

LEADS = [
    ["Leads from the expo"],
    [],
    ["Name", "Mobile", "Date", "Called at", "Remarks"],
    ["Anu", 9876543210, datetime.date(2026, 11, 24), datetime.datetime(2026, 11, 24, 10, 30),
     "first"],
    ["Bina", 12, None, None, "1.5 lakh"],
    ["Chitra", 1.5, None, None, None],
]
# what every workbook format gives for LEADS: numbers as float, dates as
# date or datetime, empty as None, the person's row numbers
LEADS_READ = [
    (1, ["Leads from the expo"]),
    (3, ["Name", "Mobile", "Date", "Called at", "Remarks"]),
    (4, ["Anu", 9876543210.0, datetime.date(2026, 11, 24),
         datetime.datetime(2026, 11, 24, 10, 30), "first"]),
    (5, ["Bina", 12.0, None, None, "1.5 lakh"]),
    (6, ["Chitra", 1.5]),
]
WORKBOOKS = {
    "xlsx": lambda rows: samples.xlsx_bytes(rows),
    "xls": lambda rows: samples.xls_bytes(rows),
    "ods": lambda rows: samples.ods_bytes({"Leads": rows}),
}


@pytest.mark.parametrize("kind", WORKBOOKS)
def test_every_workbook_format_gives_the_same_rows_and_cell_types(tmp_path, kind):
    path = tmp_path / f"leads.{kind}"
    path.write_bytes(WORKBOOKS[kind](LEADS))
    table, rows = _rows(path)
    assert table.kind == kind
    assert _trimmed(rows) == LEADS_READ
    numbers = [cell for _, cells in rows for cell in cells if isinstance(cell, int | float)]
    assert numbers and all(type(cell) is float for cell in numbers)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_sheet_of_an_xls_or_ods_can_be_chosen(tmp_path, kind):
    content = (samples.xls_bytes([["first"]], sheet="Intro", more_sheets=["Leads"])
               if kind == "xls" else samples.ods_bytes({"Intro": [["first"]],
                                                        "Leads": [["second"]]}))
    path = tmp_path / f"book.{kind}"
    path.write_bytes(content)
    table = open_table(path)
    assert table.sheet_names == ["Intro", "Leads"] and table.sheet == "Intro"
    if kind == "ods":
        assert list(iter_rows(path, open_table(path, sheet="Leads"))) == [(1, ["second"])]
    with pytest.raises(FileProblem, match="no sheet"):
        open_table(path, sheet="Missing")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (lambda: samples.xlsx_bytes([["name", "phone"]]), "xlsx"),
        (lambda: samples.xls_bytes([["name", "phone"]]), "xls"),
        (lambda: samples.ods_bytes({"S": [["name", "phone"]]}), "ods"),
    ],
    ids=["xlsx", "xls", "ods"],
)
@pytest.mark.parametrize("name", ["leads.xlsx", "leads.xls", "leads.ods", "leads.csv"])
def test_a_workbook_is_read_by_its_content_whatever_its_name(tmp_path, content, kind, name):
    path = tmp_path / name
    path.write_bytes(content())
    table, rows = _rows(path)
    assert table.kind == kind
    assert _trimmed(rows) == [(1, ["name", "phone"])]


def test_a_password_protected_xlsx_says_so(tmp_path):
    path = tmp_path / "leads.xlsx"
    path.write_bytes(samples.encrypted_xlsx_bytes())
    with pytest.raises(FileProblem, match="password-protected. Remove the password"):
        open_table(path)


def test_an_office_file_that_is_not_a_workbook_is_not_taken_for_a_damaged_password(tmp_path):
    path = tmp_path / "leads.xls"
    path.write_bytes(samples.ole2_bytes({"WordDocument": b"\xec\xa5" + b"\x00" * 600}))
    with pytest.raises(FileProblem, match="damaged or is not an Excel workbook") as problem:
        open_table(path)
    assert "password" not in str(problem.value)


def test_an_ods_whose_cells_repeat_into_millions_is_refused_before_it_is_loaded(
        tmp_path, monkeypatch):
    # 800 bytes that calamine would expand into 2.4 GB (measured: 100,000 x 200)
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path",
                        lambda *a: pytest.fail("the workbook was loaded"))
    bomb = ('<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell office:value-type="string" table:number-columns-repeated="150">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({}, tables_xml={"Leads": samples.ods_rows_xml(
        [["name", "phone"]]) + bomb}))
    assert path.stat().st_size < 2000
    with pytest.raises(FileProblem, match="1,000,001 rows of 150 columns"):
        open_table(path)


def test_an_ods_row_repeated_wider_than_the_column_limit_is_refused(tmp_path):
    wide = ('<table:table-row><table:table-cell office:value-type="string" '
            'table:number-columns-repeated="5000"><text:p>x</text:p></table:table-cell>'
            "</table:table-row>")
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({}, tables_xml={"Leads": wide}))
    with pytest.raises(FileProblem, match="the limit is 200"):
        open_table(path)


def test_an_ods_with_empty_rows_repeated_to_the_sheet_end_is_read(tmp_path):
    # LibreOffice's own layout (samples.ods_bytes ends every sheet so), and a
    # gap of repeated empty rows before the last lead
    gap = ('<table:table-row table:number-rows-repeated="3"><table:table-cell '
           'table:number-columns-repeated="1024"/></table:table-row>')
    rows_xml = (samples.ods_rows_xml([["name", "phone"], ["Anu", 9876543210]]) + gap
                + samples.ods_rows_xml([["Bina", 9876543211]]))
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({}, tables_xml={"Leads": rows_xml}))
    _, rows = _rows(path)
    assert rows == [(1, ["name", "phone"]), (2, ["Anu", 9876543210.0]),
                    (6, ["Bina", 9876543211.0])]


def test_an_ods_declaring_entities_is_refused_before_it_is_loaded(tmp_path, monkeypatch):
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path",
                        lambda *a: pytest.fail("the workbook was loaded"))
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes(
        {"Leads": [["name", "phone"]]},
        prolog='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))
    with pytest.raises(FileProblem, match="declares entities"):
        open_table(path)


def test_an_ods_that_unpacks_too_far_is_refused(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 64 * 1024
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({"Leads": [["name", "phone"]] * 3000}))
    with pytest.raises(FileProblem, match="unpacks to more than"):
        open_table(path)


# --- text: encodings ------------------------------------------------------------------

TEXT = "Name\tMobile\tArea\nJosé\t9876543210\tകൊച്ചി\nBina\t9876543211\tAluva\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),  # Excel's "Unicode Text"
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode(), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig"),
    ],
    ids=["utf16-le-bom", "utf16-be-bom", "utf16-le", "utf16-be", "utf8", "utf8-bom"],
)
@pytest.mark.parametrize("name", ["leads.txt", "leads.csv", "leads.tsv"])
def test_text_is_decoded_by_its_content(tmp_path, raw, encoding, name):
    path = tmp_path / name
    path.write_bytes(raw)
    table, rows = _rows(path)
    assert (table.kind, table.encoding, table.delimiter) == ("csv", encoding, "\t")
    assert rows == [(1, ["Name", "Mobile", "Area"]), (2, ["José", "9876543210", "കൊച്ചി"]),
                    (3, ["Bina", "9876543211", "Aluva"])]


def test_cp1252_is_read_when_the_text_is_not_utf8(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("name;phone;remarks\nJosé;9876543210;“fees” €100\n".encode("cp1252"))
    table, rows = _rows(path)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert rows[1] == (2, ["José", "9876543210", "“fees” €100"])


def test_a_utf16_file_is_read_without_loading_it_whole(tmp_path):
    import tracemalloc

    lines = ["Name\tMobile\tRemarks"] + [f"Lead {i}\t98{i:08d}\t{'note ' * 20}"
                                         for i in range(20_000)]
    path = tmp_path / "leads.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\n".join(lines).encode("utf-16-le"))
    assert path.stat().st_size > 4 * 1024 * 1024
    tracemalloc.start()
    try:
        table = open_table(path)
        count = sum(1 for _ in iter_rows(path, table))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_001
    assert peak < 2 * 1024 * 1024


# --- text: the delimiter ------------------------------------------------------------------


def test_a_semicolon_csv_with_quoted_line_breaks_is_split_on_semicolons(tmp_path):
    # csv.Sniffer reads this as one column: it splits its sample on line ends
    rows = ['Name;Mobile;Remarks'] + [
        f'Lead {i};98765432{i:02d};"called, no answer\nagain on {i}, later\nthird line"'
        for i in range(30)]
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows) + "\n")
    table, read = _rows(path)
    assert table.delimiter == ";"
    assert read[1] == (2, ["Lead 0", "9876543200", "called, no answer\nagain on 0, later\nthird line"])
    assert {len(cells) for _, cells in read} == {3}


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name,phone,remarks\nAnu,9876543210,a;b;c;d\nBina,9876543211,e;f;g;h\n", ","),
        ("name|phone|remarks\nAnu|9876543210|a, b\nBina|9876543211|c, d\n", "|"),
        ('name,phone\n"Anu; Kochi",9876543210\n"Bina; Aluva",9876543211\n', ","),
        ("sep=;\nname;phone,alt\nAnu;9876543210,1\n", ";"),
        ("phone\n9876543210\n9876543211\n", ","),
    ],
    ids=["commas-with-semicolon-remarks", "bars", "quoted-semicolons", "excel-sep-line",
         "one-column"],
)
def test_the_delimiter_is_the_one_that_splits_rows_consistently(tmp_path, text, delimiter):
    path = tmp_path / "leads.csv"
    path.write_text(text)
    table = open_table(path)
    assert table.delimiter == delimiter


def test_a_tsv_is_split_on_tabs_even_when_commas_are_as_consistent(tmp_path):
    path = tmp_path / "leads.tsv"
    path.write_text("name,x\tphone,y\nAnu,a\t9876543210,b\n")
    assert open_table(path).delimiter == "\t"


def test_a_tsv_whose_content_is_comma_separated_is_split_on_commas(tmp_path):
    path = tmp_path / "leads.tsv"
    path.write_text("name,phone,area\nAnu,9876543210,Kochi\n")
    table, rows = _rows(path)
    assert table.delimiter == ","
    assert rows[1] == (2, ["Anu", "9876543210", "Kochi"])


def test_the_row_cut_by_the_sample_does_not_decide_the_delimiter(tmp_path):
    # 64 KB of comma rows, the sample ending inside a row
    rows = ["name,phone,area,remarks"] + [f"Lead {i},98{i:08d},Kochi,note {'x' * 40}"
                                          for i in range(3000)]
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows))
    assert path.stat().st_size > 64 * 1024
    assert open_table(path).delimiter == ","


# --- what the file is, by its content ------------------------------------------------------

HTML_PAGE = (b"\n<!DOCTYPE html>\n<html><head><title>Sign in</title>"
             b"<script>alert(1)</script></head><body>" + b"x" * 5000 + b"</body></html>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HTML_PAGE, "is a web page (HTML), not a spreadsheet"),
        (b"<html><body><table><tr><td>name</td></tr></table></body></html>",
         "is a web page (HTML)"),
        (codecs.BOM_UTF8 + b"<?xml version='1.0'?><Workbook/>", "is an XML document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document, not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "is an image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "is an image"),
        (b"GIF89a\x01\x00\x01\x00" + bytes(200), "is an image"),
    ],
    ids=["html-page", "html-table-export", "xml", "pdf", "png", "jpeg", "gif"],
)
@pytest.mark.parametrize("name", ["leads.xlsx", "leads.xls", "leads.csv"])
def test_a_file_that_is_not_a_spreadsheet_is_named_for_what_it_is(tmp_path, content, message,
                                                                 name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=re.escape(message)) as problem:
        open_table(path)
    assert len(str(problem.value)) < 300 and "<script" not in str(problem.value)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"word/document.xml": "<w:document/>"}, "is a Word document, not an Excel workbook"),
        ({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"},
         "is an OpenDocument file (text or presentation)"),
        ({"notes.txt": "hello"}, "is a zip archive, not an Excel workbook"),
    ],
    ids=["docx", "odt", "zip"],
)
def test_a_zip_that_is_not_a_workbook_says_what_it_is(tmp_path, members, message):
    path = tmp_path / "leads.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    with pytest.raises(FileProblem, match=re.escape(message)):
        open_table(path)


@pytest.mark.parametrize("name", ["leads.xlsx", "leads.xls", "leads.ods"])
def test_delimited_text_named_as_a_workbook_is_read_as_csv(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"name;phone\nAnu;9876543210\nBina;9876543211\n")
    table, rows = _rows(path)
    assert (table.kind, table.delimiter) == ("csv", ";")
    assert f"“{name}” is named as a workbook but is delimited text" in table.note
    assert rows[2] == (3, ["Bina", "9876543211"])


@pytest.mark.parametrize("name", ["leads.xlsx", "leads.ods"])
def test_text_named_as_a_workbook_that_is_not_delimited_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Dear customer,\nYour statement is attached.\nRegards\n")
    with pytest.raises(FileProblem, match="is a text file, not an Excel workbook"):
        open_table(path)


# --- headers quoted in messages ----------------------------------------------------------


def test_headers_for_a_message_cut_long_cells_and_skip_empty_ones():
    long = "<td>" + "x" * 5000
    shown = headers_for_message(["Name", None, "", long, 12.0, "  Area \n code "])
    name, cut, number, area = shown.split(", ")
    assert (name, number, area) == ("Name", "12", "Area code")
    assert len(cut) == 100 and cut.endswith("…") and cut.startswith("<td>xxx")


def test_headers_for_a_message_name_at_most_twenty_cells():
    shown = headers_for_message([f"c{i}" for i in range(150)])
    assert shown.endswith("c19 and 130 more") and "c20" not in shown


def test_headers_for_a_message_of_an_empty_row_say_none():
    assert headers_for_message([None, "", "  "]) == "none"


# --- every format through the upload: the service and the admin ---------------------------

ROWS = [["Name", "Mobile", "Area"], ["José", 9876543210, "Kochi"],
        ["Bina", "98765 43211", "Aluva"]]
TEXT_ROWS = "\n".join("\t".join(str(c) for c in row) for row in ROWS) + "\n"
SEMICOLON_MULTILINE = ('Name;Mobile;Area;Remarks\nJosé;9876543210;Kochi;"called, no answer\n'
                       'try again"\nBina;98765 43211;Aluva;"fees; paid\nin two parts"\n')
LEAD_FILES = {
    "xlsx": ("leads.xlsx", lambda: samples.xlsx_bytes(ROWS)),
    "xls": ("leads.xls", lambda: samples.xls_bytes(ROWS)),
    "ods": ("leads.ods", lambda: samples.ods_bytes({"Leads": ROWS})),
    "xlsx-named-csv": ("leads.csv", lambda: samples.xlsx_bytes(ROWS)),
    "utf8-csv": ("leads.csv", lambda: TEXT_ROWS.replace("\t", ",").encode()),
    "utf8-bom-csv": ("leads.csv",
                     lambda: codecs.BOM_UTF8 + TEXT_ROWS.replace("\t", ",").encode()),
    "cp1252-csv": ("leads.csv", lambda: TEXT_ROWS.replace("\t", ";").encode("cp1252")),
    "unicode-text": ("leads.txt",
                     lambda: codecs.BOM_UTF16_LE + TEXT_ROWS.encode("utf-16-le")),
    "utf16-be-bom": ("leads.txt",
                     lambda: codecs.BOM_UTF16_BE + TEXT_ROWS.encode("utf-16-be")),
    "utf16-le-no-bom": ("leads.csv", lambda: TEXT_ROWS.encode("utf-16-le")),
    "tsv": ("leads.tsv", lambda: TEXT_ROWS.encode()),
    "pipes": ("leads.txt", lambda: TEXT_ROWS.replace("\t", "|").encode()),
    "semicolons-multiline": ("leads.csv", lambda: SEMICOLON_MULTILINE.encode()),
    "csv-named-xlsx": ("leads.xlsx", lambda: TEXT_ROWS.replace("\t", ",").encode()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("sample", LEAD_FILES)
def test_every_lead_file_format_imports_through_the_service(manager, sample):
    from django.core.files.base import ContentFile

    from backoffice.customers.models import Customer
    from backoffice.imports import services
    from tests.backoffice.imports.conftest import assert_accounted

    name, content = LEAD_FILES[sample]
    run = services.import_run_create(upload=ContentFile(content(), name=name), by=manager)
    run.settings = {**run.settings, "policy": "skip"}
    run.save()
    services.import_run_execute(run=run)
    run = assert_accounted(run)
    assert (run.state, run.created, run.invalid) == ("completed", 2, 0), run.message
    assert dict(Customer.objects.values_list("phone", "name")) == {
        "+919876543210": "José", "+919876543211": "Bina"}
    assert set(Customer.objects.values_list("area", flat=True)) == {"Kochi", "Aluva"}


@pytest.mark.django_db
@pytest.mark.parametrize("sample", LEAD_FILES)
def test_every_lead_file_format_uploads_to_a_preview_in_the_admin(manager_client, sample):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from backoffice.imports.models import ImportRun

    name, content = LEAD_FILES[sample]
    response = manager_client.post(reverse("admin:imports_importrun_add"),
                                   {"file": SimpleUploadedFile(name, content())})
    run = ImportRun.objects.get()
    preview_url = reverse("admin:imports_importrun_preview", args=[run.pk])
    assert response.status_code == 302 and response["Location"] == preview_url
    counts = manager_client.get(preview_url).context["preview"]
    assert (counts.rows, counts.new, counts.invalid) == (2, 2, 0)


NOT_SPREADSHEETS = {
    "html": ("leads.xls", HTML_PAGE, "is a web page (HTML), not a spreadsheet"),
    "pdf": ("leads.xlsx", b"%PDF-1.7\n1 0 obj", "is a PDF document, not a spreadsheet"),
    "png": ("leads.csv", b"\x89PNG\r\n\x1a\n" + bytes(300), "is an image, not a spreadsheet"),
    "jpeg": ("leads.xlsx", b"\xff\xd8\xff\xe0" + bytes(300), "is an image, not a spreadsheet"),
    "gif": ("leads.csv", b"GIF87a" + bytes(300), "is an image, not a spreadsheet"),
    "password": ("leads.xlsx", None, "password-protected. Remove the password"),
    "text-named-xlsx": ("leads.xlsx", b"Dear customer,\nYour statement is attached.\n",
                        "is a text file, not an Excel workbook"),
    "wrong-extension": ("leads.pdf", b"name,phone\n", "is not a spreadsheet file"),
}


def _not_a_spreadsheet(sample):
    name, content, message = NOT_SPREADSHEETS[sample]
    return name, content if content is not None else samples.encrypted_xlsx_bytes(), message


@pytest.mark.django_db
@pytest.mark.parametrize("sample", NOT_SPREADSHEETS)
def test_a_file_that_is_not_a_lead_list_is_refused_by_the_service(manager, private_storage,
                                                                  sample):
    from django.core.files.base import ContentFile

    from backoffice.imports import services
    from backoffice.imports.models import ImportRun

    name, content, message = _not_a_spreadsheet(sample)
    with pytest.raises(FileProblem, match=re.escape(message)):
        services.import_run_create(upload=ContentFile(content, name=name), by=manager)
    assert not ImportRun.objects.exists()
    assert not private_storage.exists() or not any(private_storage.rglob("*.*"))


@pytest.mark.django_db
@pytest.mark.parametrize("sample", NOT_SPREADSHEETS)
def test_a_file_that_is_not_a_lead_list_is_refused_at_the_admin_upload(manager_client, sample):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from backoffice.imports.models import ImportRun

    name, content, message = _not_a_spreadsheet(sample)
    response = manager_client.post(reverse("admin:imports_importrun_add"),
                                   {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert "alert(1)" not in page
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_the_upload_form_accepts_every_format_it_reads(manager_client):
    from django.urls import reverse

    page = manager_client.get(reverse("admin:imports_importrun_add")).content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv,.tsv,.txt"' in page


def test_an_ods_with_a_cell_outside_any_row_is_read_or_refused_with_a_message(tmp_path):
    stray = ('<table:table-cell office:value-type="string"><text:p>x</text:p>'
             "</table:table-cell>")
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({}, tables_xml={
        "Leads": stray + samples.ods_rows_xml([["name", "phone"]])}))
    try:
        table = open_table(path)
        list(iter_rows(path, table))
    except FileProblem:
        pass


def test_a_table_nested_in_an_ods_cell_does_not_hide_the_rows_around_it(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 32 * 1000  # 1,000 cells
    half = ('<table:table-row table:number-rows-repeated="300"><table:table-cell '
            'office:value-type="string" table:number-columns-repeated="3"><text:p>x</text:p>'
            "</table:table-cell></table:table-row>")
    nested = ('<table:table-row><table:table-cell><table:table table:name="inner">'
              "<table:table-row><table:table-cell/></table:table-row></table:table>"
              "</table:table-cell></table:table-row>")
    path = tmp_path / "leads.ods"
    path.write_bytes(samples.ods_bytes({}, tables_xml={"Leads": half + nested + half}))
    with pytest.raises(FileProblem, match="rows of 3 columns once its repeated cells"):
        open_table(path)
