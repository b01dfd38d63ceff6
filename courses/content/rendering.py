"""Turn a parsed document into stored HTML. Every piece of author text goes through sanitise()."""

import json
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from quizzes.parser import ParsedQuestion

from . import calculators
from .directives import PLACEHOLDER, Directive
from .documents import Document
from .sanitise import render_inline, render_markdown

SLOT_RE = re.compile("<p>" + re.escape(PLACEHOLDER).replace(r"\{\}", r"(\d+)") + "</p>")


@dataclass
class Rendered:
    """Everything a file's text turns into: body HTML, its table of contents, quiz question HTML."""

    body_html: str
    toc: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)


def render_document(doc: Document) -> Rendered:
    """The whole file: a module's body with its directives and quiz, or a course/part description.

    A document with problems is never stored; it is rendered for the editor's preview only, as far
    as it goes: a half-typed directive or question renders empty instead of failing the page."""
    if doc.schema != "module":
        html, toc = render_markdown(doc.body)
        return Rendered(html, toc)
    html, toc = render_body(doc)
    empty = {"text_html": "", "explanation_html": "", "choices": []}
    questions = [_piece(doc, empty, render_question, q) for q in doc.questions]
    return Rendered(html, toc, questions)


def _piece(doc: Document, empty, render, *args):
    if not doc.problems:
        return render(*args)
    try:
        return render(*args)
    except Exception:  # its problem is in doc.problems already
        return empty


def render_body(doc: Document) -> tuple[str, list[dict]]:
    """One pass over the page for all directives: a replace per directive was quadratic."""
    html, toc = render_markdown(doc.body)
    pieces = [_piece(doc, "", render_directive, directive, index)
              for index, directive in enumerate(doc.directives)]

    def fill(match: re.Match) -> str:
        index = int(match[1])
        return pieces[index] if index < len(pieces) else match[0]

    return SLOT_RE.sub(fill, html), toc

def render_directive(directive: Directive, index: int) -> str:
    renderer = {"case": _box, "tip": _box, "check": _check, "calculator": _calculator,
                "reflection": _reflection}[directive.name]
    return renderer(directive, index)

def _box(directive: Directive, index: int) -> str:
    label = {"case": "案例", "tip": "提示"}[directive.name]
    inner, _ = render_markdown(directive.text)
    return render_to_string("widgets/box.html", {
        "name": directive.name, "label": label, "inner_html": inner,
        "title_html": render_inline(directive.args) if directive.args else label,
    })


def _check(directive: Directive, index: int) -> str:
    question = directive.question
    assert question is not None
    if question.kind == "truefalse":
        options = [{"key": "true", "html": "正确", "correct": question.answer["value"] is True},
                   {"key": "false", "html": "错误", "correct": question.answer["value"] is False}]
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
    rows = [(label or param.label, raw) for param in spec.params
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
