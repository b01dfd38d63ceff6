"""Whatever a trainer writes, the stored HTML carries no script. Hand-written vectors plus,
when ../shared/security/ is present, every line of RSnake's XSS corpus."""

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest

from courses.content.documents import parse_document
from courses.content.rendering import render_body, render_question
from courses.content.sanitise import ALLOWED_TAGS, render_markdown
from tests.coursebuilder import module_text

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "security" / "xss-rsnake.txt"
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "input",
                  "link", "meta", "base", "frame", "frameset", "applet"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))
HAND_WRITTEN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p onclick=\"alert(1)\">click</p>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<form action=\"https://evil.example\"><input name=x></form>",
    "<style>body{display:none}</style>",
    "`<script>` in code stays text",
]


def corpus_lines() -> list[str]:
    if not CORPUS.exists():
        return []
    return [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


class Auditor(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_tags
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS or tag not in self.allowed:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            # What a browser's URL parser does: trim C0 controls and spaces, drop tabs and newlines.
            cleaned = html.unescape(value or "").strip(C0_AND_SPACE)
            cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(BAD_SCHEMES):
                self.problems.append(f"{name}={value}")


def audit(markup: str, extra_tags: set[str] = frozenset()) -> list[str]:
    auditor = Auditor(ALLOWED_TAGS | set(extra_tags))
    auditor.feed(markup)
    return auditor.problems


def placements(vector: str) -> dict[str, str]:
    inline = vector.replace("\n", " ")
    return {
        "body": f"正文\n\n{vector}\n",
        "link": f"[链接]({inline})\n\n<a href=\"{inline}\">x</a>\n",
        "image": f"![图]({inline})\n\n<img src=\"{inline}\">\n",
        "heading": f"## {inline}\n",
        "case box": f"::: case {inline}\n{vector}\n:::\n",
    }


WIDGET_TAGS = {"aside", "section", "form", "fieldset", "legend", "input", "label"}


def assert_clean(vector: str) -> None:
    for where, body in placements(vector).items():
        doc = parse_document(module_text(body), "module")
        rendered, _ = render_body(doc)
        # Widget wrappers are ours (built with escaping); author text inside them is sanitised.
        problems = [p for p in audit(rendered, WIDGET_TAGS) if p not in {"tag <form>", "tag <input>"}]
        assert not problems, f"{where}: {problems} in {rendered!r}"
    quiz = module_text("正文\n", quiz=(f"## [single] q\n{vector}\n- [x] {vector.splitlines()[0]}\n"
                                     f"- [ ] 乙\n> {vector.splitlines()[0]}\n"))
    doc = parse_document(quiz, "module")
    for question in doc.questions:
        pieces = render_question(question)
        for markup in [pieces["text_html"], pieces["explanation_html"],
                       *(c["text_html"] for c in pieces["choices"])]:
            assert not audit(markup), f"quiz: {audit(markup)} in {markup!r}"


@pytest.mark.parametrize("vector", HAND_WRITTEN)
def test_hand_written_vectors_are_neutralised(vector):
    assert_clean(vector)


@pytest.mark.skipif(not CORPUS.exists(), reason=f"XSS corpus not found at {CORPUS}")
@pytest.mark.parametrize("vector", corpus_lines() or ["(none)"])
def test_rsnake_corpus_is_neutralised_everywhere(vector):
    assert_clean(vector)


def test_safe_markup_survives():
    rendered, toc = render_markdown(
        "## 标题\n\n**粗** [站内](/courses/) [外链](https://example.com) [邮件](mailto:a@b.org)\n\n"
        "| a | b |\n|---|--:|\n| 1 | 2 |\n"
    )
    assert '<a href="/courses/"' in rendered and '<a href="https://example.com"' in rendered
    assert 'href="mailto:a@b.org"' in rendered
    assert '<td align="right">2</td>' in rendered
    assert toc == [{"level": 2, "id": "标题", "title": "标题"}]


def test_title_with_markup_is_escaped_on_the_page(db, client, learner, tmp_path):
    from django.core.management import call_command

    from tests.coursebuilder import module_file, write_course

    course = write_course(tmp_path)
    path = module_file(course)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 模块1", "title: \"<script>alert('t')</script>\""), encoding="utf-8")
    call_command("import_content", str(tmp_path))
    client.force_login(learner)
    page = client.get("/courses/test-course/m-1-1/").content.decode()
    assert "<script>alert('t')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
