"""Turn a parsed document into stored HTML. Every piece of author text goes through sanitise()."""

import json

from django.template.loader import render_to_string

from quizzes.parser import ParsedQuestion

from . import calculators
from .directives import PLACEHOLDER, Directive
from .documents import Document
from .sanitise import render_inline, render_markdown


def render_body(doc: Document) -> tuple[str, list[dict]]:
    html, toc = render_markdown(doc.body)
    for index, directive in enumerate(doc.directives):
        html = html.replace(f"<p>{PLACEHOLDER.format(index)}</p>", render_directive(directive, index))
    return html, toc

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
