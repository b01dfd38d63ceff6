"""Turn a parsed document into stored HTML. Every piece of author text goes through sanitise().
Widget chrome is stored as tokens that uilabels.labels_localise puts into the reader's language."""

import json
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from quizzes.parser import ParsedQuestion

from . import calculators
from .directives import PLACEHOLDER, Directive
from .documents import Document
from .exercises import blank_choices
from .glossary import TermLink, link_terms
from .sanitise import render_inline, render_markdown

PLACEHOLDER_RE = re.compile("<p>" + PLACEHOLDER.format(r"(\d+)") + "</p>")


@dataclass(frozen=True)
class ResourceLink:
    slug: str
    title: str
    summary: str
    kind: str  # "sheet" or "document"
    url: str
    download_url: str = ""


@dataclass(frozen=True)
class Library:
    """What module text may point at beyond its own file: the course's glossary and templates."""

    terms: tuple[TermLink, ...] = ()
    resources: dict[str, ResourceLink] = field(default_factory=dict)


@dataclass
class Rendered:
    """Everything a file's text turns into: body HTML, its table of contents, quiz question HTML."""

    body_html: str
    toc: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)


def render_document(doc: Document, library: Library | None = None) -> Rendered:
    """The whole file: a module's body with its directives and quiz, or a course/part description.

    A document with problems is never stored; it is rendered for the editor's preview only, as far
    as it goes: a half-typed directive or question renders empty instead of failing the page."""
    if doc.schema != "module":
        html, toc = render_markdown(doc.body)
        return Rendered(html, toc)
    html, toc = render_body(doc, library)
    empty = {"text_html": "", "explanation_html": "", "choices": []}
    return Rendered(html, toc, [_piece(doc, empty, render_question, q) for q in doc.questions])


def _piece(doc: Document, empty, render, *args):
    if not doc.problems:
        return render(*args)
    try:
        return render(*args)
    except Exception:  # its problem is in doc.problems already
        return empty


def render_body(doc: Document, library: Library | None = None) -> tuple[str, list[dict]]:
    """The body's HTML and table of contents; the first use of each glossary term links to it.
    One pass over the page for all directives (a replace per directive was quadratic)."""
    library = library or Library()
    html, toc = render_markdown(doc.body)
    seen: set[str] = set()
    pieces = PLACEHOLDER_RE.split(html)
    out = []
    for position, piece in enumerate(pieces):
        if position % 2 == 0:
            out.append(link_terms(piece, list(library.terms), seen))
        elif int(piece) < len(doc.directives):
            index = int(piece)
            out.append(_piece(doc, "", render_directive, doc.directives[index], index, library, seen))
        else:  # the author typed something that looks like a placeholder: it is text
            out.append(f"<p>{PLACEHOLDER.format(piece)}</p>")
    return "".join(out), toc


def render_directive(directive: Directive, index: int, library: Library, seen: set[str]) -> str:
    if directive.name in ("case", "tip"):
        return _box(directive, library, seen)
    if directive.name == "resource":
        return _resource(directive, library)
    renderer = {"check": _check, "calculator": _calculator, "reflection": _reflection,
                "exercise": _exercise}[directive.name]
    return renderer(directive, index)


def _box(directive: Directive, library: Library, seen: set[str]) -> str:
    inner, _ = render_markdown(directive.text)
    inner = link_terms(inner, list(library.terms), seen)
    return render_to_string("widgets/box.html", {
        "name": directive.name, "inner_html": inner,
        "title_html": render_inline(directive.args) if directive.args else "",
    })


def _check(directive: Directive, index: int) -> str:
    question = directive.question
    assert question is not None
    if question.kind == "truefalse":
        options = [{"key": "true", "html": "", "correct": question.answer["value"] is True},
                   {"key": "false", "html": "", "correct": question.answer["value"] is False}]
    else:
        options = [{"key": c.key, "html": render_inline(c.text), "correct": c.correct}
                   for c in question.choices]
    explanation, _ = render_markdown(question.explanation)
    return render_to_string("widgets/check.html", {
        "name": f"check-{index}", "options": options, "explanation_html": explanation,
        "input_type": "checkbox" if question.kind == "multiple" else "radio",
        "question_html": render_inline(question.text),
    })


def _calculator(directive: Directive, index: int) -> str:
    spec = calculators.SPECS[directive.args]
    params = calculators.with_defaults(spec.kind, directive.params)
    rows = [{"label": label, "param": param.name, "value": raw} for param in spec.params
            for raw, label in params.get(param.name, [])]
    inputs = {name: [list(pair) for pair in pairs] for name, pairs in params.items()
              if name not in calculators.OPTIONAL_KEYS}
    return render_to_string("widgets/calculator.html", {
        "spec": spec, "rows": rows, "result": directive.result,
        "params_json": json.dumps(inputs, ensure_ascii=False),
        "unit": params.get("unit", [("", "")])[0][0],
    })


def _reflection(directive: Directive, index: int) -> str:
    prompt, _ = render_markdown(directive.text)
    return render_to_string("widgets/reflection.html", {"key": directive.args, "prompt_html": prompt})


def _exercise(directive: Directive, index: int) -> str:
    exercise = directive.exercise
    assert exercise is not None
    intro, _ = render_markdown(exercise.intro)
    blanks = [{"key": blank.key, "kind": blank.kind, "text_html": render_inline(blank.text),
               "unit": blank.answer.get("unit", ""), "choices": blank_choices(blank),
               "id": f"exercise-{exercise.key}-{blank.key}"}
              for blank in exercise.blanks]
    return render_to_string("widgets/exercise.html", {
        "key": exercise.key, "title_html": render_inline(exercise.title) if exercise.title else "",
        "intro_html": intro, "blanks": blanks,
    })


def _resource(directive: Directive, library: Library) -> str:
    note, _ = render_markdown(directive.text) if directive.text else ("", [])
    return render_to_string("widgets/resource.html", {
        "resource": library.resources.get(directive.args), "slug": directive.args, "note_html": note,
    })


def render_question(question: ParsedQuestion) -> dict:
    """HTML pieces of one quiz question, for storing on Question/Choice rows."""
    explanation, _ = render_markdown(question.explanation)
    text, _ = render_markdown(question.text)
    return {
        "text_html": text,
        "explanation_html": explanation,
        "choices": [
            {"key": c.key, "text_html": render_inline(c.text), "is_correct": c.correct}
            for c in question.choices
        ],
    }
