"""Fuzz the cohort upload parsers: CSVs in every encoding with NULs, long fields, odd quoting and
too many rows; XLSX files with hostile cells, lying zip headers and damaged bytes. Whatever the
bytes, the reader answers with rows or a reason, within the bound per input (tests/fuzzing.py)."""

import io
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hr.uploads import MAX_UPLOAD_BYTES, UploadUnreadable, read_upload
from tests.fuzzing import FuzzStats, bounded, fuzz_settings, report
from tests.hr.test_upload_limits import declare_size, inline_row, workbook

cells = st.one_of(st.emails(), st.text(max_size=40), st.sampled_from(["email", "邮箱", "", " ", '"', "\x00"]),
                  st.builds(lambda n: "x" * n, st.integers(0, 300_000)))
rows = st.lists(st.lists(cells, min_size=0, max_size=4), max_size=30)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "latin-1"])


@st.composite
def csv_uploads(draw) -> tuple[str, bytes]:
    text = "\n".join(",".join(row) for row in draw(rows))
    text += "\n" * draw(st.sampled_from([0, 1, 25_000]))  # now and then past the row limit
    data = text.encode(draw(encodings), errors="replace")
    if draw(st.booleans()):
        data += draw(st.binary(max_size=200))
    return "list.csv", data


@st.composite
def xlsx_uploads(draw) -> tuple[str, bytes]:
    sheet = [inline_row(n, draw(st.sampled_from(["p@example.com", "&amp;", "x" * 2000, "]]>", "中文"])))
             for n in range(1, draw(st.integers(1, 50)))]
    sheet += [draw(st.sampled_from(['<row r="9"><c r="XFD9" t="s"><v>99</v></c></row>', '<row><c><v>1</v></c></row>',
                                    '<row r="x"><c r="A" t="s"><v>-1</v></c></row>', ""]))]
    data = workbook(sheet)
    choice = draw(st.integers(0, 3))
    if choice == 1:
        data = declare_size(data, "xl/worksheets/sheet1.xml", draw(st.integers(0, 2**32 - 1)))
    elif choice == 2:
        rng = random.Random(draw(st.integers(0, 2**32)))
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        data = bytes(damaged)
    elif choice == 3:
        data = data[: draw(st.integers(0, len(data)))]
    return "list.xlsx", data


def check_upload(upload: tuple[str, bytes]) -> str:
    name, data = upload
    try:
        read_upload(name, io.BytesIO(data), len(data))
    except UploadUnreadable as error:
        return f"refused: {error}"
    return "read"


STATS = FuzzStats()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    report("upload parsers", STATS)


@fuzz_settings
@given(st.one_of(csv_uploads(), xlsx_uploads(), st.tuples(st.sampled_from(["a.csv", "a.xlsx"]),
                                                          st.binary(max_size=MAX_UPLOAD_BYTES // 64))))
def test_any_upload_gets_rows_or_a_reason_within_its_bound(upload):
    assert bounded(check_upload, upload, STATS).startswith(("read", "refused"))
