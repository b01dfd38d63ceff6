"""Hostile module text in search results: titles, headings and snippets are escaped text plus our
<mark>, for every line of ../shared/security/xss-rsnake.txt and the hand-written vectors."""

import json

import pytest

from courses.authoring import services
from courses.changes import ChangeNote
from courses.models import Module
from search.text import words
from tests.authoring.test_xss import audit_page
from tests.courses.test_sanitiser import CORPUS, HAND_WRITTEN, corpus_lines

EDITORIAL = ChangeNote("editorial")


def module_with(vector: str) -> str:
    """The vector in every searchable place: title, objective, heading, body, code, a case box."""
    line = vector.replace("\n", " ")
    title = json.dumps(("标题" + line)[:200], ensure_ascii=False)
    return (f"---\ntitle: {title}\nslug: m-1-1\norder: 1\nminutes: 10\nobjectives:\n  - {json.dumps(line)}\n---\n"
            f"## {line}\n\n正文 {vector}\n\n`{line}`\n\n::: case {line}\n{vector}\n:::\n\n"
            "=== quiz ===\n\n## [single] q-one\n题目\n- [x] 甲\n- [ ] 乙\n> 解析\n")


@pytest.fixture
def publish(indexed_course, trainer, django_capture_on_commit_callbacks):
    module = Module.objects.select_related("course", "part").get(slug="m-1-1")

    def run(vector: str) -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.revision_publish(module=module, text=module_with(vector),
                                                base_id=services.revision_latest(module=module).pk, author=trainer,
                                                change=EDITORIAL)
        # Validation refuses images from other sites (javascript: ones too): never published, never indexed.
        assert outcome.ok or all("image" in problem.message for problem in outcome.problems), outcome.problems
        return outcome.ok

    return run



def check(vectors: list[str], publish, client) -> int:
    published = 0
    for vector in vectors:
        if not publish(vector):
            continue
        published += 1
        # The words of the vector itself (alert, script, xss …) and the heading's text both find it.
        for q in (" ".join(words(vector)[:4]) or "正文", "标题 正文"):
            response = client.get("/search/", {"q": q})
            assert response.status_code == 200
            markup = response.content.decode()
            assert 'href="/courses/test-course/m-1-1/' in markup, (vector, q)
            assert not audit_page(markup), f"{vector!r} searched as {q!r}: {audit_page(markup)}"
    return published


def test_hand_written_vectors_are_shown_as_text(publish, learner_client):
    assert check(HAND_WRITTEN, publish, learner_client) >= len(HAND_WRITTEN) - 1


@pytest.mark.skipif(not CORPUS.exists(), reason=f"XSS corpus not found at {CORPUS}")
def test_rsnake_corpus_in_module_text_is_shown_as_text(publish, learner_client):
    assert check(corpus_lines(), publish, learner_client) >= len(corpus_lines()) - 10
