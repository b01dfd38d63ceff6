"""Markdown → HTML → nh3 with an explicit allowlist. The only HTML the project marks safe."""

import threading
from html import unescape

import markdown
import nh3
from pymdownx.slugs import slugify

from .images import image_allowed

# Bump when the renderer's output changes: the next import re-renders every stored module.
# 2: images from hosts outside CONTENT_IMAGE_HOSTS are dropped.
# 3: widget chrome is stored as tokens put into the reader's language when shown (uilabels.py).
RENDER_VERSION = 3

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "del", "ins", "mark", "sub", "sup", "small", "code", "pre", "kbd", "blockquote", "ul", "ol",
    "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "a", "img", "abbr", "span", "div", "figure", "figcaption", "details", "summary",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}



def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not image_allowed(value):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=ALLOWED_URL_SCHEMES,
    clean_content_tags={"script", "style"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitise(html: str) -> str:
    return _cleaner.clean(html)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset between texts: building one costs more than converting a
    short text, and a module renders one per directive, question and choice."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_markdown()
    return md.reset()


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "toc", "abbr", "def_list"],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": slugify(case="lower"), "toc_depth": "2-3"},
        },
        output_format="html",
    )


def render_markdown(source: str) -> tuple[str, list[dict]]:
    """Return sanitised HTML and the table of contents (level, id, title) of ## and ### headings."""
    md = _markdown()
    html = md.convert(source)
    return sanitise(html), _flatten_toc(md.toc_tokens)


def render_inline(source: str) -> str:
    """A short piece (a question, a choice) rendered without a wrapping paragraph."""
    html, _ = render_markdown(source)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append({"level": token["level"], "id": token["id"], "title": unescape(token["name"])})
        flat.extend(_flatten_toc(token.get("children", [])))
    return flat
