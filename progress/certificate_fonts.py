"""The certificate's fonts, embedded as subsets so every viewer shows the same page and text extracts.

reportlab embeds only TrueType outlines, and the CJK fonts Debian ships (Noto Sans CJK) are
OpenType/CFF collections: fontTools cuts the few glyphs a certificate needs and converts their
cubic outlines to quadratic ones, which reportlab then embeds and subsets again.
"""

import io
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from reportlab.pdfbase import pdfmetrics, ttfonts

MAXP_TRUETYPE_FIELDS = ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints",
                        "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth")


class CertificateFontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int


def font_file(pattern: str) -> FontFile:
    """A font file path as is, else the fontconfig match for the family, refusing a fallback family."""
    if os.path.isfile(pattern):
        return FontFile(pattern, 0)
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise CertificateFontMissing(
            f"fc-match (fontconfig) is not installed, so the certificate font {pattern!r} cannot be found; "
            "install fontconfig and fonts-noto-cjk or set CERTIFICATE_FONT(_BOLD) to a font file")
    found = subprocess.run([fc_match, "-f", "%{family}\t%{file}\t%{index}", pattern], capture_output=True,
                           text=True, check=False).stdout.split("\t")
    family = pattern.split(":")[0].strip().lower()
    if len(found) != 3 or family not in [name.strip().lower() for name in found[0].split(",")]:
        raise CertificateFontMissing(
            f"no font of the family {family!r} is installed (fontconfig offers {found[0]!r} instead); "
            "install fonts-noto-cjk or set CERTIFICATE_FONT(_BOLD) to a TTF/OTF file with Chinese glyphs")
    return FontFile(found[1], int(found[2] or 0))


def truetype_subset(font: FontFile, text: str) -> io.BytesIO:
    """A TrueType font holding only the glyphs of text (plus .notdef), ready for reportlab."""
    face = TTFont(font.path, fontNumber=font.index, lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = [], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(face)
    if "CFF " in face:
        _cff_to_glyf(face)
    output = io.BytesIO()
    face.save(output)
    output.seek(0)
    return output


def _cff_to_glyf(face: TTFont) -> None:
    order = face.getGlyphOrder()
    outlines = face.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(outlines)
        outlines[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    face["loca"], face["glyf"] = newTable("loca"), glyf
    for table in ("CFF ", "VORG"):
        if table in face:
            del face[table]
    maxp = face["maxp"]
    maxp.tableVersion = 0x00010000
    for name in MAXP_TRUETYPE_FIELDS:
        setattr(maxp, name, 0)
    maxp.maxZones = 1
    face["head"].glyphDataFormat = 0
    face["post"].formatType, face["post"].extraNames, face["post"].mapping = 2.0, [], {}
    face.sfntVersion = "\x00\x01\x00\x00"


# reportlab's font registry is process-wide and keeps the first font registered under a name or
# face, while each PDF brings subsets of its own text: one PDF at a time registers its fonts and
# takes them out again (reportlab has no public call for that).
_REGISTRY = threading.Lock()


def certificate_font(*, bold: bool, text: str, name: str) -> ttfonts.TTFont:
    pattern = settings.CERTIFICATE_FONT_BOLD if bold else settings.CERTIFICATE_FONT
    return ttfonts.TTFont(name, truetype_subset(font_file(pattern), text))


@contextmanager
def fonts_registered(fonts: list[ttfonts.TTFont]) -> Iterator[None]:
    with _REGISTRY:
        for font in fonts:
            pdfmetrics.registerFont(font)
        try:
            yield
        finally:
            for font in fonts:
                pdfmetrics._fonts.pop(font.fontName, None)
                pdfmetrics._dynFaceNames.pop(font.face.name, None)


def _to_unicode_cmap(fontname: str, subset_codes: list[int]) -> str:
    """reportlab writes code points past U+FFFF as five hex digits, so viewers extract 𠮷 as ₻;
    a ToUnicode CMap needs them as UTF-16BE surrogate pairs."""
    cmap = _reportlab_to_unicode_cmap(fontname, [0] * len(subset_codes)).split("\n")
    start = cmap.index(f"{len(subset_codes)} beginbfchar") + 1
    cmap[start:start + len(subset_codes)] = [f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
                                             for i, code in enumerate(subset_codes)]
    return "\n".join(cmap)


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
