"""Read the first worksheet of an uploaded XLSX file as rows of text, streaming, within fixed bounds.

Why not openpyxl here (it still writes the exports): its reader loads the shared strings whole,
pads every row to the column count the file's own <dimension> claims, and has no way to count
what it inflates. A 1–2 MB upload that unzips to a gigabyte then holds a worker for minutes. This
reader checks the sizes the zip declares before reading, counts the bytes it actually inflates
while reading, refuses DTDs (entity expansion), keeps at most ``cell_chars + 1`` characters of any
cell (so a caller sees that a cell is longer than its limit, and reports it rather than cutting it)
and MAX_COLUMNS columns, and yields rows one at a time so the caller stops at its row limit.
Used by the cohort upload (hr) and the question import (courses.authoring), hence here.
"""

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024  # all parts of the workbook together, as unzipped
MAX_MEMBERS = 1_000
MAX_SHARED_STRINGS = 200_000
MAX_CELL_CHARS = 256  # an email address is at most 254 characters
MAX_COLUMNS = 256
CHUNK = 64 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CELL_REF_RE = re.compile(r"^([A-Z]{1,3})")
# What zipfile, zlib and expat raise for a damaged, encrypted or not-really-XLSX file.
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, OSError, EOFError,
           NotImplementedError, RuntimeError, ValueError, expat.ExpatError)


class XlsxUnreadable(ValueError):
    """``args[0]`` is the reason: "not_xlsx" or "too_big_unzipped"."""


class _Inflated:
    """Counts the bytes inflated from every part, against one budget for the whole workbook."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive, self.left = archive, MAX_UNCOMPRESSED_BYTES

    def chunks(self, name: str) -> Iterator[bytes]:
        with self.archive.open(name) as part:
            while chunk := part.read(CHUNK):
                self.left -= len(chunk)
                if self.left < 0:  # the zip's header lied about the size
                    raise XlsxUnreadable("too_big_unzipped")
                yield chunk


def xlsx_rows(stream: BinaryIO, *, cell_chars: int = MAX_CELL_CHARS) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the first worksheet; a cell longer than ``cell_chars`` comes back
    with ``cell_chars + 1`` characters. Raises XlsxUnreadable."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except DAMAGED as error:
        raise XlsxUnreadable("not_xlsx") from error
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise XlsxUnreadable("too_big_unzipped")
    inflated = _Inflated(archive)
    try:
        sheet = _first_sheet(archive, inflated)
        strings = _shared_strings(archive, inflated, cell_chars + 1)
        yield from _sheet_rows(inflated, sheet, strings, cell_chars + 1)
    except XlsxUnreadable:
        raise
    except DAMAGED as error:
        raise XlsxUnreadable("not_xlsx") from error


def _parse(inflated: _Inflated, name: str, start, end=None, text=None) -> Iterator[None]:
    """Feed one part through expat; yields after each chunk so the caller can take its rows."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    for chunk in inflated.chunks(name):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def _refuse_dtd(*_args) -> None:
    raise XlsxUnreadable("not_xlsx")  # XLSX has no DTD; one here can only be an entity bomb


def _first_sheet(archive: zipfile.ZipFile, inflated: _Inflated) -> str:
    """The part name of the workbook's first sheet (workbook.xml order, via its relationships)."""
    sheets: list[str] = []
    targets: dict[str, str] = {}

    def sheet(name, attrs):
        if name == f"{MAIN} sheet":
            sheets.append(attrs.get(f"{DOC_RELS} id", ""))

    def relation(name, attrs):
        if name == f"{RELS} Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    for _ in _parse(inflated, "xl/workbook.xml", sheet):
        pass
    for _ in _parse(inflated, "xl/_rels/workbook.xml.rels", relation):
        pass
    if not sheets or sheets[0] not in targets:
        raise XlsxUnreadable("not_xlsx")
    target = targets[sheets[0]]
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    archive.getinfo(path)  # KeyError: not in the archive
    return path


def _shared_strings(archive: zipfile.ZipFile, inflated: _Inflated, keep: int) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    current: list[str] = []
    state = {"in_text": False, "in_phonetic": False}

    def start(name, attrs):
        if name == f"{MAIN} si":
            current.clear()
        elif name == f"{MAIN} rPh":
            state["in_phonetic"] = True  # a furigana reading, not part of the text
        elif name == f"{MAIN} t" and not state["in_phonetic"]:
            state["in_text"] = True

    def end(name):
        if name == f"{MAIN} si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise XlsxUnreadable("too_big_unzipped")
            strings.append("".join(current))
        elif name == f"{MAIN} rPh":
            state["in_phonetic"] = False
        elif name == f"{MAIN} t":
            state["in_text"] = False

    def text(data):
        if state["in_text"] and (room := keep - sum(map(len, current))) > 0:
            current.append(data[:room])

    for _ in _parse(inflated, "xl/sharedStrings.xml", start, end, text):
        pass
    return strings


def _sheet_rows(inflated: _Inflated, sheet: str, strings: list[str], keep: int) -> Iterator[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    cell = {"column": 0, "type": "", "text": [], "collect": False}
    row = {"number": 0, "cells": {}}

    def start(name, attrs):
        if name == f"{MAIN} row":
            number = attrs.get("r", "")
            row["number"] = int(number) if number.isdigit() else row["number"] + 1
            row["cells"] = {}
            cell["column"] = -1
        elif name == f"{MAIN} c":
            match = CELL_REF_RE.match(attrs.get("r", ""))
            cell["column"] = _column(match[1]) if match else cell["column"] + 1
            cell["type"], cell["text"] = attrs.get("t", "n"), []
        elif name in (f"{MAIN} v", f"{MAIN} t"):
            cell["collect"] = True

    def end(name):
        if name in (f"{MAIN} v", f"{MAIN} t"):
            cell["collect"] = False
        elif name == f"{MAIN} c" and cell["column"] < MAX_COLUMNS:
            row["cells"][cell["column"]] = _value(cell["type"], "".join(cell["text"]), strings)
        elif name == f"{MAIN} row":
            cells = row["cells"]
            rows.append((row["number"], [cells.get(i, "") for i in range(max(cells, default=-1) + 1)]))

    def text(data):
        if cell["collect"] and (room := keep - sum(map(len, cell["text"]))) > 0:
            cell["text"].append(data[:room])

    for _ in _parse(inflated, sheet, start, end, text):
        yield from rows
        rows.clear()


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _value(kind: str, raw: str, strings: list[str]) -> str:
    if kind == "s":
        return strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
    if kind == "b":  # Excel turns a typed TRUE into a boolean cell, stored as 1
        return "TRUE" if raw.strip() == "1" else "FALSE"
    return raw
