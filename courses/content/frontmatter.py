"""YAML front matter: read with line numbers, then checked against a schema per file kind."""

import re
from dataclasses import dataclass
from typing import Any

import yaml

from quizzes.syntax import Problem, ascii_form, fullwidth_chars

from .durations import parse_duration

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REVIEW_CHOICES = ("after_attempt", "after_pass", "never")
KEY_LINE_RE = re.compile(r"^\s*[A-Za-z_]+\s*:")


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    slug: bool = False
    duration: bool = False


COMMON = {"title": Field(str, required=True, maximum=200), "slug": Field(str, required=True, slug=True)}
QUIZ_SETTINGS = {
    "pass_mark": Field(int, minimum=0, maximum=100),
    "max_attempts": Field(int, minimum=0, maximum=100),
    "cooldown_minutes": Field(int, minimum=0, maximum=10080),
    "review": Field(str, choices=REVIEW_CHOICES),
}
SCHEMAS: dict[str, dict[str, Field]] = {
    "course": {**COMMON, **QUIZ_SETTINGS, "pass_mark": Field(int, required=True, minimum=0, maximum=100),
               "valid_for": Field(str, duration=True), "recertify_within": Field(str, duration=True),
               "retrain": Field(str, choices=("auto", "hr")), "retrain_within": Field(str, duration=True)},
    "part": {**COMMON, "order": Field(int, required=True, minimum=1, maximum=999)},
    "glossary": {"title": Field(str, required=True, maximum=200)},
    "resource": {**COMMON, "order": Field(int, required=True, minimum=1, maximum=999),
                 "summary": Field(str, required=True, maximum=200)},
    "module": {
        **COMMON,
        **QUIZ_SETTINGS,
        "order": Field(int, required=True, minimum=1, maximum=999),
        "minutes": Field(int, required=True, minimum=1, maximum=600),
        "objectives": Field(list, required=True, minimum=1, maximum=8),
        "pass_mark_reason": Field(str, maximum=300),
        "required": Field(bool),
        "recurring": Field(bool),
    },
}


def parse_front_matter(lines: list[str], first_line: int, schema: str) -> tuple[dict, list[Problem]]:
    """``lines`` are the YAML lines between the '---' fences; ``first_line`` is the first one's number."""
    problems = [
        Problem(first_line + i, f"full-width {fullwidth_chars(line)!r} in a front-matter key; "
                "use an ASCII ':' after the field name")
        for i, line in enumerate(lines)
        if not KEY_LINE_RE.match(line) and KEY_LINE_RE.match(ascii_form(line))
    ]
    if problems:
        return {}, problems
    try:
        node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(error, "problem", None) or str(error)
        return {}, [Problem(line, f"front matter is not valid YAML: {reason}")]
    if not isinstance(data, dict) or node is None:
        return {}, [Problem(first_line, "front matter must be 'field: value' lines")]
    key_lines = {k.value: first_line + k.start_mark.line for k, _ in node.value}
    return data, check_fields(data, key_lines, first_line, SCHEMAS[schema])


def check_fields(data: dict, key_lines: dict[str, int], fallback: int,
                 schema: dict[str, Field]) -> list[Problem]:
    problems = []
    for name, value in data.items():
        line = key_lines.get(name, fallback)
        field = schema.get(name)
        if field is None:
            known = ", ".join(schema)
            problems.append(Problem(line, f"unknown field {name!r} (known fields: {known})"))
        elif message := _field_error(name, value, field):
            problems.append(Problem(line, message))
    for name, field in schema.items():
        if field.required and name not in data:
            problems.append(Problem(fallback, f"missing required field {name!r}"))
    if "pass_mark_reason" in schema and "pass_mark" in data and "pass_mark_reason" not in data:
        problems.append(Problem(key_lines["pass_mark"], "a module's own 'pass_mark' needs a "
                                "'pass_mark_reason' saying why it differs from the course"))
    return problems + _validity_problems(data, key_lines)


def _validity_problems(data: dict, key_lines: dict[str, int]) -> list[Problem]:
    """The recertification window opens before expiry, so it needs a validity and must be shorter."""
    window = data.get("recertify_within")
    if not isinstance(window, str) or _field_error("recertify_within", window, Field(str, duration=True)):
        return []
    line = key_lines["recertify_within"]
    valid_for = data.get("valid_for")
    if valid_for is None:
        return [Problem(line, "'recertify_within' needs 'valid_for': certificates that never expire "
                        "are never renewed")]
    if _field_error("valid_for", valid_for, Field(str, duration=True)):
        return []
    if parse_duration(window).approximate_days >= parse_duration(valid_for).approximate_days:
        return [Problem(line, f"'recertify_within' ({window}) must be shorter than 'valid_for' ({valid_for})")]
    return []


def _field_error(name: str, value: Any, field: Field) -> str | None:
    if field.duration:
        try:
            parse_duration(value)
        except ValueError as problem:
            return f"field {name!r} must be a duration: {problem}, not {value!r}"
        return None
    if field.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return f"field {name!r} must be a whole number, not {value!r}"
    if not isinstance(value, field.kind):
        return f"field {name!r} must be {_type_name(field.kind)}, not {value!r}"
    if isinstance(value, str):
        if not value.strip():
            return f"field {name!r} is empty"
        if field.maximum and len(value) > field.maximum:
            return f"field {name!r} is longer than {field.maximum} characters"
        if field.slug and not SLUG_RE.match(value):
            return f"slug {value!r} must be lowercase letters, digits and single '-'"
        if field.choices and value not in field.choices:
            return f"field {name!r} must be one of {', '.join(field.choices)}, not {value!r}"
    if isinstance(value, int) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            return f"field {name!r} must be at least {field.minimum}"
        if field.maximum is not None and value > field.maximum:
            return f"field {name!r} must be at most {field.maximum}"
    if isinstance(value, list):
        if not field.minimum <= len(value) <= field.maximum:  # type: ignore[operator]
            return f"field {name!r} needs {field.minimum} to {field.maximum} items"
        if not all(isinstance(item, str) and item.strip() for item in value):
            return f"every item of {name!r} must be non-empty text"
    return None


def _type_name(kind) -> str:
    return {str: "text", list: "a list ('- item' lines)", bool: "true or false"}.get(kind, str(kind))
