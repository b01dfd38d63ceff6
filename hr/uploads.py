"""Read a list of emails from an uploaded CSV or XLSX file (first column, or a column named email)."""

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20000
HEADERS = {"email", "e-mail", "邮箱", "电子邮件", "电子邮箱"}


class UploadUnreadable(ValueError):
    pass


@dataclass(frozen=True)
class UploadRow:
    number: int
    raw: str

    @property
    def email(self) -> str:
        return self.raw.strip()


def read_upload(name: str, data: bytes) -> list[UploadRow]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadUnreadable("too_big")
    lower = name.lower()
    if lower.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        table = _csv_rows(data)
    else:
        raise UploadUnreadable("unknown_type")
    return _email_column(table)


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadUnreadable("encoding")
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UploadUnreadable("not_xlsx") from error
    sheet = workbook.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _email_column(table: list[list[str]]) -> list[UploadRow]:
    if len(table) > MAX_ROWS:
        raise UploadUnreadable("too_many_rows")
    column, start = 0, 1
    if table and any(cell.strip().lower() in HEADERS for cell in table[0]):
        column = next(i for i, c in enumerate(table[0]) if c.strip().lower() in HEADERS)
        start = 2
    rows = table[start - 1:]
    return [UploadRow(number, row[column] if column < len(row) else "")
            for number, row in enumerate(rows, start=start) if any(c.strip() for c in row)]
