"""Turn a parsed document into stored HTML. Every piece of author text goes through sanitise()."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    title = render_inline(directive.args) if directive.args else label
    inner, _ = render_markdown(directive.text)
    return format_html(
        '<aside class="box box-{}" aria-label="{}"><p class="box-title"><span class="box-kind">{}</span>{}</p>{}</aside>',
        directive.name, label, label, mark_safe(title), mark_safe(inner),
    )

def _check(directive: Directive, index: int) -> str:
    question = directive.question
    assert question is not None
    name = f"check-{index}"
    if question.kind == "truefalse":
        options = [("true", "正确", question.answer["value"] is True),
                   ("false", "错误", question.answer["value"] is False)]
    else:
        options = [(c.key, render_inline(c.text), c.correct) for c in question.choices]
    input_type = "checkbox" if question.kind == "multiple" else "radio"
    items = "".join(
        format_html('<li><label><input type="{}" name="{}" value="{}" data-correct="{}"> {}</label></li>',
                    input_type, name, key, "1" if right else "0", mark_safe(label))
        for key, label, right in options
    )
    explanation, _ = render_markdown(question.explanation)
    return format_html(
        '<form class="widget check" data-widget="check" aria-label="随堂小测">'
        '<p class="widget-kind">随堂小测 · 不计分</p><fieldset><legend>{}</legend><ul class="options">{}</ul></fieldset>'
        '<p class="check-result" role="status" aria-live="polite"></p>'
        '<details class="check-explanation"><summary>查看解析</summary>{}</details></form>',
        mark_safe(render_inline(question.text)), mark_safe(items), mark_safe(explanation),
    )

def _calculator(directive: Directive, index: int) -> str:
    spec = calculators.SPECS[directive.args]
    params = calculators.with_defaults(spec.kind, directive.params)
    unit = params.get("unit", [("", "")])[0][0]
    rows = "".join(
        format_html("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", label or param.label, raw)
        for param in spec.params for raw, label in params.get(param.name, [])
    )
    data = {name: [list(pair) for pair in pairs] for name, pairs in params.items() if name != "expect"}
    return format_html(
        '<section class="widget calc" data-widget="calculator" data-kind="{}" data-params="{}" aria-label="{}">'
        '<p class="widget-kind">{}</p><table class="calc-example"><caption>示例数据{}</caption><tbody>{}'
        '<tr class="calc-result"><th scope="row">{}</th><td>{}</td></tr></tbody></table></section>',
        spec.kind, json.dumps(data, ensure_ascii=False), spec.title, spec.title,
        f"（单位：{unit}）" if unit else "", mark_safe(rows), spec.result_label, directive.result,
    )

def _reflection(directive: Directive, index: int) -> str:
    prompt, _ = render_markdown(directive.text)
    return format_html(
        '<section class="widget reflection" data-widget="reflection" data-key="{}" aria-label="思考题">'
        '<p class="widget-kind">思考题</p>{}</section>',
        directive.args, mark_safe(prompt),
    )

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
