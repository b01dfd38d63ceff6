"""Hostile module text in search results: titles, headings and snippets are escaped text plus our
<mark>, for every line of ../shared/security/xss-rsnake.txt and the hand-written vectors."""

import pytest

from courses.authoring import services
from courses.models import Module
from search.text import words
from tests.authoring.test_xss import audit_page, module_with
from tests.courses.test_sanitiser import CORPUS, HAND_WRITTEN, corpus_lines


@pytest.fixture
def publish(indexed_course, trainer, django_capture_on_commit_callbacks):
    module = Module.objects.select_related("course", "part").get(slug="m-1-1")

    def run(vector: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.revision_publish(module=module, text=module_with(vector),
                                      base_id=services.revision_latest(module=module).pk, author=trainer)

    return run


def check(vectors: list[str], publish, client) -> None:
    for vector in vectors:
        publish(vector)
        # The words of the vector itself (alert, script, xss …) and the heading's text both find it.
        for q in (" ".join(words(vector)[:4]) or "正文", "标题 正文"):
            response = client.get("/search/", {"q": q})
            assert response.status_code == 200
            markup = response.content.decode()
            assert 'href="/courses/test-course/m-1-1/' in markup, (vector, q)
            assert not audit_page(markup), f"{vector!r} searched as {q!r}: {audit_page(markup)}"


def test_hand_written_vectors_are_shown_as_text(publish, learner_client):
    check(HAND_WRITTEN, publish, learner_client)


@pytest.mark.skipif(not CORPUS.exists(), reason=f"XSS corpus not found at {CORPUS}")
def test_rsnake_corpus_in_module_text_is_shown_as_text(publish, learner_client):
    check(corpus_lines(), publish, learner_client)
