"""Small, pure edits of a module's text: line endings, one front-matter field, a new module."""

import json
import re

NEW_MODULE = """\
---
title: {title}
slug: {slug}
order: {order}
minutes: 10
objectives:
  - {objective}
---
## {heading}

{body}
"""


def normalise_newlines(text: str) -> str:
    """Browsers post textareas with CRLF; files in git use LF. Always end with one newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def set_front_matter_value(text: str, name: str, value: object) -> str:
    """Replace (or add) one top-level ``name: value`` line of the front matter; the rest is kept."""
    lines = text.split("\n")
    if not lines or lines[0].removeprefix("\ufeff").strip() != "---":
        return text
    pattern = re.compile(rf"^{re.escape(name)}\s*:")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            lines.insert(index, f"{name}: {value}")
            return "\n".join(lines)
        if pattern.match(lines[index]):
            lines[index] = f"{name}: {value}"
            return "\n".join(lines)
    return text


def new_module_text(*, title: str, slug: str, order: int, objective: str, heading: str, body: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, so any title survives the round trip.
    return NEW_MODULE.format(title=json.dumps(title, ensure_ascii=False), slug=slug, order=order,
                             objective=json.dumps(objective, ensure_ascii=False), heading=heading, body=body)
