"""Read back what a PDF embeds: fonts and the characters their ToUnicode maps say are drawn."""

import base64
import re
import zlib

STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
BFCHAR_RE = re.compile(r"<[0-9A-F]+> <([0-9A-F]{4,})>")


def streams(pdf: bytes) -> list[bytes]:
    found = []
    for raw in STREAM_RE.findall(pdf):
        for decode in (zlib.decompress, lambda data: zlib.decompress(base64.a85decode(data.strip(), adobe=True))):
            try:
                found.append(decode(raw))
                break
            except (zlib.error, ValueError):
                continue
        else:
            found.append(raw)
    return found


def drawn_characters(pdf: bytes) -> set[str]:
    """Every character some embedded font's ToUnicode CMap maps (reportlab writes one per subset)."""
    chars = set()
    for data in streams(pdf):
        if b"beginbfchar" in data:
            for code in BFCHAR_RE.findall(data.decode("latin-1")):
                chars.add(bytes.fromhex(code).decode("utf-16-be"))
    return chars


def embeds_truetype_fonts_only(pdf: bytes) -> bool:
    return b"/FontFile2" in pdf and b"STSong" not in pdf and b"/CIDFontType0" not in pdf
