"""PDFs HR hands to auditors (学时证明, evidence packs), with the Chinese font embedded.

A PDF that only names a font (reportlab's CID fonts) shows whatever the reader substitutes, or
boxes; an auditor's copy must look the same everywhere. reportlab embeds TrueType outlines only,
while Debian's CJK fonts (fonts-noto-cjk) are OpenType collections with CFF outlines: fontTools cuts
the glyphs of the document's own text from the collection and redraws them as TrueType quadratic
curves, then reportlab embeds that subset.
"""

import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportlabFont

CURVE_TOLERANCE = 1.0  # font units: invisible at any print size
_registry = threading.Lock()  # reportlab's font registry is one per process


class PdfFontMissing(RuntimeError):
    pass


def font_source() -> tuple[str, int]:
    """(file, index in the collection) of settings.PDF_FONT: a file path, or a family fontconfig knows."""
    wanted = settings.PDF_FONT
    if Path(wanted).is_file():
        return wanted, 0
    if shutil.which("fc-match") is None:
        raise PdfFontMissing(f"fontconfig's fc-match is not installed, so the PDF font {wanted!r} cannot be found: "
                             "install fontconfig and fonts-noto-cjk, or set PDF_FONT to a font file")
    found = subprocess.run(["fc-match", "-f", "%{family}\t%{file}\t%{index}", wanted], capture_output=True,
                           text=True, check=False, timeout=10).stdout.split("\t")
    family = wanted.split(":")[0].strip().lower()
    if len(found) != 3 or family not in (name.strip().lower() for name in found[0].split(",")):
        raise PdfFontMissing(f"the PDF font {wanted!r} is not installed (fontconfig would use "
                             f"{found[0] if found else 'nothing'!r}): install fonts-noto-cjk, or set PDF_FONT "
                             "to a TTF/OTF/TTC file with Chinese glyphs")
    return found[1], int(found[2] or 0)


def font_subset(text: str) -> io.BytesIO:
    """A TrueType font with the glyphs of ``text`` only."""
    path, index = font_source()
    face = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = [], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(face)
    if "CFF " in face:
        _as_truetype(face)
    data = io.BytesIO()
    face.save(data)
    data.seek(0)
    return data


def _as_truetype(face: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf outlines (what fontTools' otf2ttf snippet does)."""
    glyph_set = face.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = face.getGlyphOrder(), {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, CURVE_TOLERANCE, reverse_direction=True))
        glyf[name] = pen.glyph()
    face["glyf"], face["loca"] = glyf, newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in face:
            del face[table]
    maxp = face["maxp"]
    maxp.tableVersion = 0x00010000
    for name in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, name, 0)
    maxp.maxZones = 1
    face["head"].glyphDataFormat = 0
    post = face["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    face.sfntVersion = "\x00\x01\x00\x00"


@contextmanager
def embedded_font(name: str, text: str) -> Iterator[str]:
    """Register a subset of the font for ``text`` under ``name`` while one PDF is drawn, then take it
    out again: each PDF carries its own subset, and the process-wide registry must not grow."""
    font = ReportlabFont(name, font_subset(text))
    with _registry:
        pdfmetrics.registerFont(font)
        try:
            yield name
        finally:
            pdfmetrics._fonts.pop(name, None)  # reportlab has no public unregister
            pdfmetrics._dynFaceNames.pop(font.face.name, None)
