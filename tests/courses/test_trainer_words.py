"""The trainer pages speak a trainer's language, and the format guide opens as a page."""

import pytest
from django.test import Client, override_settings


@pytest.fixture
def trainer_client(client, trainer, imported_course):
    client.force_login(trainer)
    return client


def test_course_page_has_no_developer_wording(trainer_client):
    page = trainer_client.get("/trainer/courses/test-course/").content.decode()
    assert "content/" not in page and "import_content" not in page and "git" not in page
    assert "<code>m-1-1</code>" not in page
    assert "导出课程" in page and 'href="/trainer/guide/"' in page


def test_the_editor_links_the_format_guide(trainer_client):
    page = trainer_client.get("/trainer/courses/test-course/m-1-1/edit/").content.decode()
    assert 'href="/trainer/guide/" target="_blank"' in page and "content/README.md" not in page


def test_the_guide_is_content_readme_rendered(trainer_client):
    page = trainer_client.get("/trainer/guide/").content.decode()
    assert '<h1 id="content-format">Content format</h1>' in page
    assert 'href="#limits-and-encoding"' in page and "<script" not in page.split('class="prose guide"')[1]


def test_the_guide_follows_edits_to_the_file(trainer_client, tmp_path):
    (tmp_path / "README.md").write_text("# 格式\n\n## 第一节\n\n正文", encoding="utf-8")
    with override_settings(CONTENT_DIR=tmp_path):
        assert "第一节" in trainer_client.get("/trainer/guide/").content.decode()
        (tmp_path / "README.md").unlink()
        assert trainer_client.get("/trainer/guide/").status_code == 404


def test_only_trainers_open_the_guide(learner_client, db):
    assert learner_client.get("/trainer/guide/").status_code == 403
    assert Client().get("/trainer/guide/").status_code == 302
