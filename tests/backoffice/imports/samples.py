"""Lead files in every format the importer reads, built here so that each
test says what is in its file: .xlsx (openpyxl), .xls (xlwt, a test-only
dependency), .ods (a zip of XML written with zipfile) and an encrypted Office
file (an OLE2 compound file written by hand)."""

import datetime
import io
import struct
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def xlsx_bytes(rows, sheet="Sheet") -> bytes:
    workbook = Workbook()
    workbook.active.title = sheet
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows, sheet="Sheet1", more_sheets=()) -> bytes:
    import xlwt

    workbook = xlwt.Workbook()
    worksheet = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    datetime_style = xlwt.easyxf(num_format_str="DD-MM-YYYY HH:MM")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.datetime):
                worksheet.write(r, c, value, datetime_style)
            elif isinstance(value, datetime.date):
                worksheet.write(r, c, value, date_style)
            else:
                worksheet.write(r, c, value)
    for name in more_sheets:
        workbook.add_sheet(name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return ('<table:table-cell office:value-type="boolean" '
                f'office:boolean-value="{str(value).lower()}"/>')
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, datetime.date):
        return (f'<table:table-cell office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
            "</table:table-cell>")


def ods_rows_xml(rows) -> str:
    return "".join("<table:table-row>" + "".join(ods_cell(c) for c in row)
                   + "</table:table-row>" for row in rows)


def ods_bytes(sheets: dict, *, tables_xml: dict | None = None, prolog: str = "") -> bytes:
    """An OpenDocument spreadsheet of ``{sheet name: rows}``, or of raw
    ``tables_xml`` (``{sheet name: rows XML}``), as LibreOffice lays it out:
    the mimetype stored first, then content.xml and the manifest. LibreOffice
    ends each sheet with empty rows repeated to the last row; so does this."""
    tables_xml = tables_xml or {name: ods_rows_xml(rows) for name, rows in sheets.items()}
    trailing = ('<table:table-row table:number-rows-repeated="1048570">'
                '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    body = "".join(f"<table:table table:name={quoteattr(name)}>{rows}{trailing}</table:table>"
                   for name, rows in tables_xml.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content '
               f'{ODS_NAMESPACES} office:version="1.2"><office:body><office:spreadsheet>'
               f"{body}</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE)  # stored, first
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


# --- OLE2 (compound file, version 3: 512-byte sectors) ---------------------------------

FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(name: str, kind: int, child=NO_STREAM, right=NO_STREAM, start=END,
                     size=0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, right, child) + b"\0" * 16 + b"\0" * 4
            + b"\0" * 16 + struct.pack("<IQ", start, size))


def ole2_bytes(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (each padded to at least 4,096
    bytes, so that they live in ordinary sectors, not the mini stream)."""
    sector = 512
    datas = [data.ljust(4096, b"\0") for data in streams.values()]
    datas = [data.ljust(-(-len(data) // sector) * sector, b"\0") for data in datas]
    fat = [FAT_SECTOR, END]  # sector 0 the FAT, sector 1 the directory
    starts = []
    for data in datas:
        count = len(data) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= 128
    fat += [FREE] * (128 - len(fat))
    names = list(streams)
    entries = _directory_entry("Root Entry", 5, child=1)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else NO_STREAM
        entries += _directory_entry(name, 2, right=right, start=starts[index],
                                    size=len(streams[name].ljust(4096, b"\0")))
    entries = entries.ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    assert len(header) == sector
    return header + struct.pack("<128I", *fat) + entries + b"".join(datas)


def encrypted_xlsx_bytes() -> bytes:
    """What Excel writes for a workbook saved with a password: the encrypted
    package in an OLE2 file (content here is stand-in bytes)."""
    return ole2_bytes({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                       "EncryptedPackage": b"\x10\x00\x00\x00" + bytes(range(256)) * 4})
