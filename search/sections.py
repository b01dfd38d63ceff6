"""A module's text as sections: what stands under each ``##`` / ``###`` heading (pure, no database).

The text comes from the sanitised HTML learners see, read as text nodes only, so headings carry
exactly the ids of the module's stored table of contents. Widget chrome (随堂小测's label, 查看解析,
a calculator's caption, every word stored as a widget token) is interface, not content, and is left
out. The result is plain text: no markup survives, so what a search shows is escaped text plus the
marks it adds itself.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from courses.content.uilabels import TOKEN_RE

SKIP_TAGS = frozenset({"script", "style", "template", "button", "input", "select", "textarea", "summary",
                       "caption"})
SKIP_CLASSES = frozenset({"widget-kind", "box-kind", "check-result"})
BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "br", "hr",
                        "blockquote", "pre", "section", "aside", "form", "fieldset", "legend", "figure",
                        "figcaption", "details", "label", "h1", "h2", "h3", "h4", "h5", "h6"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "wbr", "col", "area", "source", "meta", "link"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SectionText:
    anchor: str  # the heading's id ("" for the text before the first heading)
    heading: str
    body: str


class _Splitter(HTMLParser):
    def __init__(self, anchors: set[str]):
        super().__init__(convert_charrefs=True)
        self.anchors = anchors
        self.sections: list[list] = [["", [], []]]  # anchor, heading parts, body parts
        self.skipping: list[str] = []  # open tags whose content is left out
        self.heading: str | None = None  # the tag of the section heading being read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or tag in SKIP_TAGS or SKIP_CLASSES & set((attributes.get("class") or "").split()):
            if tag not in VOID_TAGS:
                self.skipping.append(tag)
            return
        if tag in ("h2", "h3") and attributes.get("id") in self.anchors:
            self.sections.append([attributes["id"], [], []])
            self.heading = tag
        elif tag in BLOCK_TAGS:
            self._text(" ")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == self.heading:
            self.heading = None
        elif tag in BLOCK_TAGS:
            self._text(" ")

    def handle_data(self, data):
        if not self.skipping:
            self._text(TOKEN_RE.sub("", data))

    def _text(self, text: str) -> None:
        self.sections[-1][1 if self.heading else 2].append(text)


def sections_split(*, html: str, toc: list[dict], lead: str = "") -> list[SectionText]:
    """The module's sections in reading order; the first one is the text before any heading,
    preceded by ``lead`` (the objectives), and is always there."""
    splitter = _Splitter({entry["id"] for entry in toc if entry.get("level") in (2, 3)})
    splitter.feed(html)
    splitter.close()
    splitter.sections[0][2].insert(0, f"{lead} ")
    return [SectionText(anchor, _clean(heading), _clean(body)) for anchor, heading, body in splitter.sections]


def _clean(parts: list[str]) -> str:
    return _SPACE.sub(" ", "".join(parts)).strip()
