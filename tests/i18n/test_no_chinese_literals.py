"""Every word a template or script shows goes through translation: no Chinese literal outside
{% translate %} / {% blocktranslate %} in templates, none at all in script code (scripts write
English msgids for the JavaScript catalog). Comments may be in any language."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]+")
# Documented exceptions: what each file may keep, and why.
ALLOWED = {
    # The language menu names each language in itself, so everyone can find their own.
    "templates/partials/_language.html": {"简体中文"},
    # The 学时证明 (statement of credit hours) as issued, beside its English title, like its PDF.
    "templates/hr/credit_statement.html": {"学时证明"},
}
TEMPLATE_TRANSLATED = re.compile(
    r"\{%\s*(?:blocktrans|blocktranslate)\b.*?%\}.*?\{%\s*(?:endblocktrans|endblocktranslate)\s*%\}"
    r"|\{%\s*(?:trans|translate)\s+(?:\"[^\"]*\"|'[^']*').*?%\}"
    r"|_\((?:\"[^\"]*\"|'[^']*')\)"
    r"|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->", re.S)
SCRIPT_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)


def files(folder: str, pattern: str) -> list[Path]:
    return sorted((ROOT / folder).glob(pattern))


def untranslated(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    stripped = TEMPLATE_TRANSLATED.sub(" ", text) if path.suffix != ".js" else SCRIPT_COMMENT.sub(" ", text)
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    return set(CJK.findall(stripped)) - ALLOWED.get(name, set())


@pytest.mark.parametrize("path", files("templates", "**/*.*") + files("static/js", "**/*.js"),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_no_chinese_literal_outside_translation(path):
    assert not untranslated(path), f"{path.relative_to(ROOT)}: translate these through gettext"


def test_the_walk_finds_a_literal_and_ignores_translated_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('{% load i18n %}{# 注释 #}<p>{% trans "Save" %}</p>{% blocktrans %}Hi {{ x }}{% endblocktrans %}'
                    '<p>保存</p>', encoding="utf-8")
    script = tmp_path / "widget.js"
    script.write_text('// 说明\nvar a = _("Save"); /* 注 */ var b = "保存";\n', encoding="utf-8")
    assert untranslated(page) == {"保存"} and untranslated(script) == {"保存"}


def test_the_walk_covers_the_widgets_and_their_scripts():
    walked = {str(p.relative_to(ROOT)) for p in files("templates", "**/*.*") + files("static/js", "**/*.js")}
    assert {"templates/widgets/check.html", "static/js/widgets/reflection.js", "templates/progress/mistakes.html",
            "templates/account/email/email_confirmation_message.txt"} <= walked
