"""Stored XSS through the trainer editor: whatever a trainer saves into the title, body, quiz
text, choices or explanation, the pages learners and trainers open carry no runnable script.
Every line of ../shared/security/xss-rsnake.txt plus the hand-written vectors go through the
real save service (publish) and the real pages. (HR report pages are not covered here.)"""

import html
import json
from html.parser import HTMLParser

import pytest

from courses.authoring import services
from courses.changes import ChangeNote
from courses.models import Module
from tests.courses.test_sanitiser import CORPUS, HAND_WRITTEN, corpus_lines

EDITORIAL = ChangeNote("editorial")

DANGEROUS_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "frame", "frameset", "applet", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
C0_AND_SPACE = "".join(map(chr, range(0x21)))
TRUSTED_SCRIPTS = ("/static/", "/i18n/js/?")  # our files and Django's JavaScript catalog of our words
PAGES = ["/courses/test-course/m-1-1/", "/trainer/courses/test-course/m-1-1/edit/",
         "/trainer/courses/test-course/m-1-1/history/", "/trainer/courses/test-course/m-1-1/draft/",
         "/trainer/courses/test-course/", "/trainer/insights/test-course/m-1-1/"]


class PageAuditor(HTMLParser):
    """What a browser would run: script elements, event handlers, script URLs, frames, SVG."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not ((values.get("src") or "").startswith(TRUSTED_SCRIPTS)
                                    or values.get("type") == "application/json"):
            self.problems.append(f"<script {attrs}>")
        if tag == "link" and not (values.get("href") or "").startswith("/static/"):
            self.problems.append(f"<link {attrs}>")
        if tag in DANGEROUS_TAGS or (tag == "meta" and "http-equiv" in values):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name == "srcdoc":
                self.problems.append(f"<{tag} {name}=…>")
            cleaned = html.unescape(value or "").strip(C0_AND_SPACE)
            cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value}>")


def audit_page(markup: str) -> list[str]:
    auditor = PageAuditor()
    auditor.feed(markup)
    return auditor.problems


def module_with(vector: str) -> str:
    line = vector.replace("\n", " ")
    title = json.dumps(("标题" + line)[:200], ensure_ascii=False)
    return (
        f"---\ntitle: {title}\nslug: m-1-1\norder: 1\nminutes: 10\nobjectives:\n  - {json.dumps(line)}\n---\n"
        f"## {line}\n\n正文\n\n{vector}\n\n[链接]({line})\n\n<a href=\"{line}\">x</a> <img src=\"{line}\">\n\n"
        f"::: case {line}\n{vector}\n:::\n\n"
        f"=== quiz ===\n\n## [single] q-one\n{line}\n- [x] {line}\n- [ ] 乙\n> {line}\n"
    )


@pytest.fixture
def pages(trainer_client, learner_client):
    def visit(*, history: bool = True) -> dict[str, str]:
        out = {}
        for url in PAGES if history else [u for u in PAGES if not u.endswith("/history/")]:
            client = learner_client if url.startswith("/courses/") else trainer_client
            response = client.get(url)
            assert response.status_code == 200, url
            out[url] = response.content.decode()
        return out

    return visit


def check(vectors: list[str], module: Module, trainer, pages) -> int:
    """How many vectors were handled: saved, or refused because they embed an image from another
    host (courses/content/images.py; refusing is the safe outcome, nothing is stored)."""
    handled = 0
    for index, vector in enumerate(vectors):
        latest = services.revision_latest(module=module)
        outcome = services.revision_publish(module=module, text=module_with(vector), base_id=latest.pk,
                                            author=trainer, change=EDITORIAL)
        refused = bool(outcome.problems) and all("comes from another site" in p.message for p in outcome.problems)
        assert refused or not outcome.problems, f"{vector!r}: {outcome.problems}"
        handled += refused or (bool(outcome.revision) and not outcome.unchanged)
        # The history page (its diff shows the text as escaped code) is checked on a sample: it is
        # the slowest page and grows with every revision.
        for url, markup in pages(history=index % 8 == 0 or index == len(vectors) - 1).items():
            assert not audit_page(markup), f"{vector!r} on {url}: {audit_page(markup)}"
    return handled


def test_hand_written_vectors_saved_by_a_trainer_never_run(module, trainer, pages):
    assert check(HAND_WRITTEN, module, trainer, pages) == len(HAND_WRITTEN)


@pytest.mark.skipif(not CORPUS.exists(), reason=f"XSS corpus not found at {CORPUS}")
def test_rsnake_corpus_saved_by_a_trainer_never_runs(module, trainer, pages):
    vectors = corpus_lines()
    handled = check(vectors, module, trainer, pages)
    assert handled >= len(vectors) - 2  # a vector identical to the previous one saves nothing new


def test_the_preview_endpoint_returns_no_script(trainer_client, module):
    vectors = HAND_WRITTEN + corpus_lines()
    for vector in vectors:
        data = trainer_client.post("/trainer/courses/test-course/m-1-1/preview/",
                                   {"text": module_with(vector)}).json()
        assert not audit_page(data["html"]), vector
