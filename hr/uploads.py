"""Read a list of emails from an uploaded CSV or XLSX file (first column, or a column named email).

Bounded before the work: the upload's size is checked before it is read (and Django's upload
handler keeps no more than MAX_UPLOAD_BYTES of it, see config/uploads.py), XLSX parts are bounded
unzipped (courses/content/xlsx.py), and rows are read one at a time up to MAX_ROWS, never all first.
"""

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

from courses.content.xlsx import XlsxUnreadable, xlsx_rows

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20000
HEADERS = {"email", "e-mail", "邮箱", "电子邮件", "电子邮箱"}


class UploadUnreadable(ValueError):
    """``args[0]`` is the reason (a key of hr.views.UPLOAD_ERRORS); ``row`` where it was found."""

    def __init__(self, reason: str, row: int | None = None):
        super().__init__(reason)
        self.row = row


@dataclass(frozen=True)
class UploadRow:
    number: int
    raw: str

    @property
    def email(self) -> str:
        return self.raw.strip()


def read_upload(name: str, stream: BinaryIO, size: int) -> list[UploadRow]:
    """The email rows of an upload (``size`` as Django counted it, before anything is read)."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadUnreadable("too_big")
    lower = name.lower()
    if lower.endswith(".xlsx"):
        table = _xlsx_table(stream)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        data = stream.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadUnreadable("too_big")
        table = _csv_rows(data)
    else:
        raise UploadUnreadable("unknown_type")
    return _email_column(table)


def _xlsx_table(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from xlsx_rows(stream)
    except XlsxUnreadable as error:
        raise UploadUnreadable(str(error)) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if any("\0" in cell for cell in row):
                raise UploadUnreadable("nul", row=number)
            yield number, row
    except csv.Error:  # e.g. a field longer than csv's limit (128 KB)
        raise UploadUnreadable("not_csv", row=number + 1) from None


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadUnreadable("encoding") from None
    if _looks_like_utf16(data):
        raise UploadUnreadable("utf16_no_bom")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadUnreadable("encoding")


def _looks_like_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = data[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample) and (
        sample[0::2].count(0) * 2 >= len(sample) // 2 or sample[1::2].count(0) * 2 >= len(sample) // 2)


def _email_column(table: Iterable[tuple[int, list[str]]]) -> list[UploadRow]:
    rows = list(islice(table, MAX_ROWS + 1))  # stop reading at the limit
    if len(rows) > MAX_ROWS:
        raise UploadUnreadable("too_many_rows")
    column, start = 0, 0
    if rows and any(cell.strip().lower() in HEADERS for cell in rows[0][1]):
        column = next(i for i, c in enumerate(rows[0][1]) if c.strip().lower() in HEADERS)
        start = 1
    return [UploadRow(number, row[column] if column < len(row) else "")
            for number, row in rows[start:] if any(c.strip() for c in row)]
