"""The course glossary (``<course>/_glossary.md``): parsing, checking, and linking terms in module HTML.

Format (specified with examples in content/README.md)::

    ---
    title: 术语表
    ---
    Optional introduction.

    ## ARPU
    id: arpu
    full: 每用户平均收入（Average Revenue Per User）
    aliases: 平均每用户收入 | 单用户平均收入
    module: business-models
    The definition, in Markdown.

Pure: no database. ``link_terms`` works on sanitised HTML and sanitises what it returns.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

from quizzes.parser import KEY_RE
from quizzes.syntax import Phrase, Problem, ascii_form

from .frontmatter import SLUG_RE, parse_front_matter
from .sanitise import render_markdown, sanitise

GLOSSARY_FILE = "_glossary.md"
TERM_RE = re.compile(r"^##\s+(?P<name>.*?)\s*$")
FIELD_RE = re.compile(r"^(?P<name>[a-z_]+)\s*:\s*(?P<value>.*?)\s*$")
FIELDS = ("id", "full", "aliases", "module")
MAX_TERM_LENGTH = 40
MAX_DEFINITION_LENGTH = 600
MAX_TERMS = 500
# Text inside these elements is never linked: headings, existing links, code, table headers.
NO_LINK_TAGS = frozenset({"a", "code", "pre", "kbd", "h1", "h2", "h3", "h4", "h5", "h6", "th", "summary"})


@dataclass
class Term:
    name: str
    line: int
    key: str = ""
    full: str = ""
    aliases: list[str] = field(default_factory=list)
    module: str = ""
    definition: str = ""
    field_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Glossary:
    meta: dict = field(default_factory=dict)
    intro: str = ""
    terms: list[Term] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class TermLink:
    """What module rendering needs to know about a term."""

    key: str
    name: str
    href: str
    title: str


def parse_glossary(text: str) -> Glossary:
    glossary = Glossary()
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        glossary.problems.append(Problem.of(1, "the file must start with a '---' line that opens the front matter"))
        return glossary
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        glossary.problems.append(Problem.of(1, "front matter is not closed: add a '---' line after its fields"))
        return glossary
    glossary.meta, problems = parse_front_matter(lines[1:end], 2, "glossary")
    glossary.problems.extend(problems)
    intro: list[str] = []
    current: Term | None = None
    body: list[tuple[int, str]] = []
    for number, raw in enumerate(lines[end + 1:], start=end + 2):
        heading = TERM_RE.match(raw)
        if heading is None and TERM_RE.match(ascii_form(raw)):
            glossary.problems.append(Problem.of(number, "full-width '＃' in a term heading; "
                                                "start it with ASCII '## '"))
        if heading:
            if current is not None:
                _finish(current, body, glossary.problems)
            current, body = Term(name=heading["name"], line=number), []
            glossary.terms.append(current)
        elif current is None:
            intro.append(raw)
        else:
            body.append((number, raw))
    if current is not None:
        _finish(current, body, glossary.problems)
    glossary.intro = "\n".join(intro).strip()
    _check_glossary(glossary)
    return glossary


def _finish(term: Term, body: list[tuple[int, str]], problems: list[Problem]) -> None:
    definition: list[str] = []
    for number, raw in body:
        match = FIELD_RE.match(raw.strip()) if not definition else None
        if match is None and not definition and ascii_form(raw.strip()) != raw.strip():
            match = FIELD_RE.match(ascii_form(raw.strip()))
            if match and match["name"] in FIELDS:
                problems.append(Problem.of(number, "full-width characters in the field line %(line)r; "
                                           "write it as '%(name)s: …' with an ASCII colon",
                                           line=raw.strip(), name=match["name"]))
                continue
        if match is None:
            if raw.strip() or definition:
                definition.append(raw)
            continue
        _set_field(term, match["name"], match["value"], number, problems)
    term.definition = "\n".join(definition).strip()


def _set_field(term: Term, name: str, value: str, number: int, problems: list[Problem]) -> None:
    if name not in FIELDS:
        problems.append(Problem.of(number, "term %(term)r: unknown field %(name)r (known fields: %(known)s); "
                                   "the definition starts after the fields", term=term.name, name=name,
                                   known=", ".join(FIELDS)))
        return
    if name in term.field_lines:
        problems.append(Problem.of(number, "term %(term)r: field %(name)r is given twice (first on line %(first)s)",
                                   term=term.name, name=name, first=term.field_lines[name]))
        return
    term.field_lines[name] = number
    if name == "aliases":
        term.aliases = [alias.strip() for alias in value.split("|") if alias.strip()]
    else:
        setattr(term, {"id": "key"}.get(name, name), value)


def _check_glossary(glossary: Glossary) -> None:
    problems = glossary.problems
    if len(glossary.terms) > MAX_TERMS:
        problems.append(Problem.of(glossary.terms[MAX_TERMS].line, "a glossary holds at most %(most)s terms",
                                   most=MAX_TERMS))
    for term in glossary.terms:
        problems.extend(_term_problems(term))
    _check_unique_names(glossary.terms, problems)


def _term_problems(term: Term) -> list[Problem]:
    problems: list[Problem] = []
    if not term.name:
        return [Problem.of(term.line, "a term heading needs the term after '## '")]
    if len(term.name) > MAX_TERM_LENGTH:
        problems.append(Problem.of(term.line, "term %(term)r is longer than %(most)s characters", term=term.name,
                                   most=MAX_TERM_LENGTH))
    if not term.key:
        problems.append(Problem.of(term.line, "term %(term)r needs an 'id: …' line (its anchor on the glossary page)",
                                   term=term.name))
    elif not KEY_RE.match(term.key):
        problems.append(Problem.of(term.field_lines["id"], "term %(term)r: id %(key)r must be lowercase letters, "
                                   "digits and '-' (up to 50); links to the term use it", term=term.name, key=term.key))
    if not term.module:
        problems.append(Problem.of(term.line, "term %(term)r needs a 'module: <slug>' line naming the module that "
                                   "teaches it", term=term.name))
    elif not SLUG_RE.match(term.module):
        problems.append(Problem.of(term.field_lines["module"], "term %(term)r: %(module)r is not a module slug",
                                   term=term.name, module=term.module))
    if not term.definition:
        problems.append(Problem.of(term.line, "term %(term)r has no definition (write it after the field lines)",
                                   term=term.name))
    elif len(term.definition) > MAX_DEFINITION_LENGTH:
        problems.append(Problem.of(term.line, "term %(term)r: the definition is longer than %(most)s characters; "
                                   "the module teaches the rest", term=term.name, most=MAX_DEFINITION_LENGTH))
    return problems


def _check_unique_names(terms: list[Term], problems: list[Problem]) -> None:
    """Every name (term or alias) stands for one term only, and ids are unique."""
    names: dict[str, tuple[str, int]] = {}
    keys: dict[str, int] = {}
    for term in terms:
        if term.key in keys:
            problems.append(Problem.of(term.field_lines.get("id", term.line),
                                       "term id %(key)r is already used on line %(first)s", key=term.key,
                                       first=keys[term.key]))
        keys.setdefault(term.key, term.line)
        for name, line in [(term.name, term.line)] + [(a, term.field_lines["aliases"]) for a in term.aliases]:
            folded = fold(name)
            if not folded:
                continue
            if folded in names:
                other, other_line = names[folded]
                kind = Phrase("term") if name == term.name else Phrase("alias")
                problems.append(Problem.of(line, "%(kind)s %(name)r duplicates %(other)r on line %(first)s; "
                                           "each name may stand for one term only", kind=kind, name=name,
                                           other=other, first=other_line))
            else:
                names[folded] = (name, line)


def fold(name: str) -> str:
    """A name as compared for sameness: width, case and spaces ignored, punctuation kept."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).casefold())


def module_problems(glossary: Glossary, module_slugs: Iterable[str]) -> list[Problem]:
    """Terms that name a module the course does not have."""
    known = set(module_slugs)
    return [Problem.of(term.field_lines["module"], "term %(term)r: no module with slug %(module)r in this course",
                       term=term.name, module=term.module)
            for term in glossary.terms if term.module and "module" in term.field_lines and term.module not in known]


def definition_html(term: Term) -> str:
    html, _ = render_markdown(term.definition)
    return html


def plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def term_links(glossary: Glossary, page_url: str) -> list[TermLink]:
    return [TermLink(t.key, t.name, f"{page_url}#{t.key}", plain_text(definition_html(t))[:160])
            for t in glossary.terms if t.key and t.name]


# --- linking ------------------------------------------------------------------------------------

def _name_pattern(name: str) -> str:
    pattern = r"\s*".join(re.escape(part) for part in name.split())
    if name[:1].isascii() and name[:1].isalnum():
        pattern = r"(?<![A-Za-z0-9])" + pattern
    if name[-1:].isascii() and name[-1:].isalnum():
        pattern += r"(?![A-Za-z0-9])"
    return pattern


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Linker(HTMLParser):
    def __init__(self, links: list[TermLink], seen: set[str]):
        super().__init__(convert_charrefs=False)
        ordered = sorted(links, key=lambda link: len(link.name), reverse=True)
        self.by_name = {_squash(link.name): link for link in ordered}
        self.pattern = re.compile("|".join(_name_pattern(link.name) for link in ordered))
        self.seen, self.out, self.skip = seen, [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in NO_LINK_TAGS
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.skip -= tag in NO_LINK_TAGS and self.skip > 0
        self.out.append(f"</{tag}>")

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_data(self, data):
        self.out.append(data if self.skip else self.pattern.sub(self._link, data))

    def _link(self, match: re.Match) -> str:
        link = self.by_name.get(_squash(match[0]))
        if link is None or link.key in self.seen:
            return match[0]
        self.seen.add(link.key)
        return (f'<a href="{escape(link.href)}" title="{escape(link.title)}">{match[0]}</a>')


def link_terms(html: str, links: list[TermLink], seen: set[str]) -> str:
    """Link the first occurrence of each term not yet in ``seen`` (which is updated).

    ``html`` is sanitiser output; the result is sanitised again, so nothing here can add markup
    the sanitiser would not allow.
    """
    if not links or not html:
        return html
    linker = _Linker(links, seen)
    linker.feed(html)
    linker.close()
    return sanitise("".join(linker.out))
