"""Cohort uploads are bounded before the work: size before reading, unzipped size while reading,
rows one at a time up to the limit; bad bytes get a message, never a 500."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from progress.models import Cohort
from tests.factories import UserFactory

URL = "/hr/cohorts/new/"
BOUNDARY = "fuzzboundary"


@pytest.fixture
def org(db, hr_client):
    hr_client.cookies["django_language"] = "en"
    return [UserFactory(email=f"p{i}@example.com") for i in range(3)]


def create(client, upload, name="名单"):
    return client.post(URL, {"name": name, "source": "upload", "upload": upload})


def page_text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


# --- XLSX built by hand (the parts a workbook needs), so tests can make them hostile -------------

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>')
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/officeDocument"/></Relationships>')
EMPTY_SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def inline_row(number: int, value: str) -> str:
    return f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{value}</t></is></c></row>'


def workbook(sheet_rows, shared: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/sharedStrings.xml", shared or EMPTY_SST)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD.encode())
            for row in sheet_rows:
                sheet.write(row.encode())
            sheet.write(SHEET_TAIL.encode())
    return buffer.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size the zip declares for ``member`` (local and central headers)."""
    data = bytearray(data)
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_workbook_that_unzips_to_a_gigabyte_is_refused_before_it_is_read(hr_client, org):
    # Given a small XLSX whose shared strings claim one gigabyte (one huge cell), or whose sheet
    # claims 12 million rows
    shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    huge_cell = declare_size(workbook([inline_row(1, "p0@example.com")], shared), "xl/sharedStrings.xml",
                             1_100_000_000)
    many_rows = declare_size(workbook([inline_row(1, "p0@example.com")]), "xl/worksheets/sheet1.xml",
                             12_000_000 * 48)
    for data in (huge_cell, many_rows):
        # When HR uploads it
        response = create(hr_client, SimpleUploadedFile("list.xlsx", data))
        # Then it is refused with the unzipped limit, and nothing is created
        assert response.status_code == 400
        assert "unpacks to more than 16 MB" in page_text(response)
    assert not Cohort.objects.exists()


def test_a_zip_header_that_understates_the_size_does_not_inflate_past_it(hr_client, org):
    # Given a sheet of 40 MB that declares 1 KB
    rows = (inline_row(n, "p0@example.com" + " " * 900) for n in range(1, 40_000))
    data = declare_size(workbook(rows), "xl/worksheets/sheet1.xml", 1024)
    tracemalloc.start()
    response = create(hr_client, SimpleUploadedFile("list.xlsx", data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 400
    assert "not a readable XLSX workbook" in page_text(response)
    assert peak < 8 * 1024 * 1024


def test_a_huge_single_cell_costs_no_more_than_the_part_of_it_that_is_kept(hr_client, org):
    # Given a workbook whose second cell holds 12 MB of text (under the unzipped limit)
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
              + "x" * 12_000_000 + "</t></si></sst>")
    data = workbook([inline_row(1, "p0@example.com"), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], shared)
    tracemalloc.start()
    response = create(hr_client, SimpleUploadedFile("list.xlsx", data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Then the row is reported (it is no email), and memory stayed far below the cell's size
    assert response.status_code == 400 and not Cohort.objects.exists()
    assert peak < 8 * 1024 * 1024


def test_rows_past_the_limit_are_not_read(hr_client, org, monkeypatch):
    # Given a workbook with 30,000 rows (inside the byte limits)
    read = []
    from courses.content import xlsx

    real = xlsx._Inflated.chunks
    monkeypatch.setattr(xlsx._Inflated, "chunks", lambda self, name: (read.append(len(c)) or c
                                                                      for c in real(self, name)))
    data = workbook(inline_row(n, f"p{n}@example.com") for n in range(1, 30_001))
    response = create(hr_client, SimpleUploadedFile("list.xlsx", data))
    # Then it is refused with the row limit, having read only as far as the limit
    assert "more than 20,000 rows" in page_text(response)
    sheet_bytes = len(SHEET_HEAD) + sum(len(inline_row(n, f"p{n}@example.com")) for n in range(1, 30_001))
    assert sum(read) < sheet_bytes * 0.8


class LazyBody:
    """A request body produced as it is read, so the test itself never holds 50 MB."""

    def __init__(self, head: bytes, filler: int, tail: bytes):
        self.parts = [head, None, tail]
        self.filler, self.length = filler, len(head) + filler + len(tail)

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            part = self.parts[0]
            if part is None:
                if self.filler <= 0:
                    self.parts.pop(0)
                    continue
                take = min(self.filler, size if size > 0 else self.filler, 1 << 16)
                self.filler -= take
                return b"a@example.com\n" * (take // 14) + b"x" * (take % 14)
            self.parts.pop(0)
            if size > 0 and len(part) > size:
                self.parts.insert(0, part[size:])
                return part[:size]
            return part
        return b""

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def test_a_50_mb_csv_is_refused_by_its_size_without_being_held_in_memory(hr_client, org):
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n名单\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nupload\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    body = LazyBody(head, 50 * 1024 * 1024, f"\r\n--{BOUNDARY}--\r\n".encode())
    tracemalloc.start()
    response = hr_client.generic("POST", URL, **{
        "wsgi.input": body, "CONTENT_LENGTH": str(body.length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 400
    assert "larger than 2 MB" in page_text(response)
    assert peak < 8 * 1024 * 1024  # 64 KB chunks, not the 50 MB


@pytest.mark.parametrize(("data", "message"), [
    (b"email\np0@example.com\np1@\x00example.com\n", "Row 3 contains a NUL byte"),
    ("email\np0@example.com\n".encode("utf-16-le"), "looks like UTF-16"),
    ("email\np0@example.com\n".encode("utf-16-be"), "looks like UTF-16"),
    (b"email\n" + b'"' + b"x" * 200_000 + b'"\n', "Row 2 cannot be read as CSV"),
])
def test_bad_bytes_in_a_csv_get_a_message_not_a_500(hr_client, org, data, message):
    response = create(hr_client, SimpleUploadedFile("list.csv", data))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Cohort.objects.exists()


def test_a_utf16_csv_with_a_byte_order_mark_is_read(hr_client, org):
    data = "email\np0@example.com\np1@example.com\n".encode("utf-16")
    response = create(hr_client, SimpleUploadedFile("list.csv", data))
    assert response.status_code == 302
    assert Cohort.objects.get().memberships.count() == 2
