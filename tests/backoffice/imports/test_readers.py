import codecs
import zipfile

import pytest
from openpyxl import Workbook

from backoffice.imports.readers import FileProblem, iter_rows, open_table


def _rows(path):
    table = open_table(path)
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
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password-protected"),
        (b"PK\x03\x04garbage that is not a zip", "damaged"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a spreadsheet"),
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
    monkeypatch.setattr(readers, "_workbook", lambda p: opened.append(p) or original(p))
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
