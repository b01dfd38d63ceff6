import pytest
from django.test import Client

from courses.models import Module

EDIT = "/trainer/courses/test-course/{}/edit/"


@pytest.fixture
def trainer_client(trainer):
    # Its own client, so that tests can hold a learner's session (``learner_client``) as well.
    client = Client()
    client.force_login(trainer)
    return client


@pytest.fixture
def module(imported_course):
    return Module.objects.select_related("course", "part", "quiz").get(slug="m-1-1")


def latest_id(module: Module) -> int:
    return module.revisions.order_by("-number").first().pk


def post_text(client, module: Module, text: str, *, action: str = "draft", base: int | None = None):
    return client.post(EDIT.format(module.slug), {
        "text": text, "action": action, "change": "editorial", "base": latest_id(module) if base is None else base})
