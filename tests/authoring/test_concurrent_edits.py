"""Ten trainers publish from the same base revision at once: one wins, nine get the conflict
page, no text is silently overwritten (PostgreSQL: SQLite serialises every writer)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from courses.models import Module
from tests.factories import UserFactory

EDITORS = 10


def test_simultaneous_publishes_from_one_base(transactional_db, course_dir):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL): SQLite serialises every writer")
    call_command("import_content", str(course_dir.parent))
    module = Module.objects.get(slug="m-1-1")
    base = module.revisions.get().pk
    trainers = [UserFactory(roles=["learner", "trainer"]) for _ in range(EDITORS)]
    barrier = threading.Barrier(EDITORS)

    def publish(index: int) -> int:
        client = Client()
        client.force_login(trainers[index])
        barrier.wait()
        try:
            return client.post("/trainer/courses/test-course/m-1-1/edit/", {
                "text": module.source.replace("的正文", f"的第{index}版"), "action": "publish", "change": "editorial",
                "base": base}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(EDITORS) as pool:
        statuses = sorted(pool.map(publish, range(EDITORS)))
    assert statuses == [302] + [409] * (EDITORS - 1)
    assert module.revisions.count() == 2
    module.refresh_from_db()
    assert module.revisions.order_by("-number").first().source == module.source
