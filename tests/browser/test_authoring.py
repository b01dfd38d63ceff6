"""A trainer edits a module in the browser: live preview, draft, publish, restore; a learner sees
only what is published. Stored XSS: corpus lines saved by a trainer never open a dialog."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from courses.authoring import services
from courses.changes import ChangeNote
from courses.content.images import image_problems
from courses.models import Module
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.coursebuilder import write_course
from tests.courses.test_sanitiser import corpus_lines
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
EDIT = "/trainer/courses/test-course/m-1-1/edit/"
LEARNER_PAGE = "/courses/test-course/m-1-1/"


def verified(email: str, roles: list[str]):
    user = UserFactory(email=email, roles=roles, display_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def people(transactional_db, tmp_path):
    write_course(tmp_path)
    call_command("import_content", str(tmp_path))
    return verified("coach@example.com", ["learner", "trainer"]), verified("pupil@example.com", ["learner"])


@pytest.fixture
def learner_page(browser, live_server, sign_in):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "pupil@example.com")
    yield page
    context.close()


def test_trainer_edits_previews_drafts_publishes_and_restores(page, live_server, people, sign_in,
                                                              learner_page, shoot):
    base = live_server.url
    sign_in(page, "coach@example.com")
    page.goto(f"{base}{EDIT}")
    textarea = page.locator("textarea[name=text]")
    preview = page.locator("#preview")
    assert "模块 m-1-1 的正文" in preview.inner_text()
    assert page.locator("#editor-gutter").inner_text().startswith("1\n2\n3")

    # Typing updates the server-rendered preview (debounced), errors are listed with their line.
    textarea.fill(textarea.input_value().replace("minutes: 10", "minutes: 0"))
    page.locator("#problem-list button[data-line='5']").wait_for()
    page.locator("#problem-list button[data-line='5']").click()
    assert page.evaluate("document.activeElement.name") == "text"
    text = textarea.input_value().replace("minutes: 0", "minutes: 10").replace(
        "的正文。", "的正文。\n\n**浏览器里写的新段落**")
    textarea.fill(text)
    preview.locator("strong", has_text="浏览器里写的新段落").wait_for()
    assert page.locator("#editor-problems").is_hidden()
    shoot(page, "authoring-editor-preview")
    assert blocking_violations(page) == []

    page.locator("button[value=draft]").click()
    page.wait_for_load_state()
    assert Module.objects.get(slug="m-1-1").revisions.order_by("-number").first().is_draft
    learner_page.goto(f"{base}{LEARNER_PAGE}")
    assert "浏览器里写的新段落" not in learner_page.content()

    page.get_by_label("编辑性修改", exact=False).check()
    page.locator("button[value=publish]").click()
    page.wait_for_load_state()
    learner_page.goto(f"{base}{LEARNER_PAGE}")
    assert learner_page.get_by_text("浏览器里写的新段落").is_visible()

    page.goto(f"{base}/trainer/courses/test-course/m-1-1/history/?a=1&b=2")
    assert page.locator("tr.diff-add", has_text="浏览器里写的新段落").count() == 1
    shoot(page, "authoring-history")
    assert blocking_violations(page) == []
    page.locator("#revision-1 button[type=submit]").click()
    page.wait_for_load_state()
    learner_page.goto(f"{base}{LEARNER_PAGE}")
    assert "浏览器里写的新段落" not in learner_page.content()
    assert learner_page.get_by_text("模块 m-1-1 的正文").is_visible()
    assert page.js_errors == []


def test_editor_and_course_page_on_a_phone(page, live_server, people, sign_in, shoot):
    page.set_viewport_size(PHONE)
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}/trainer/courses/test-course/")
    shoot(page, "authoring-course-phone")
    assert blocking_violations(page) == []
    page.goto(f"{live_server.url}{EDIT}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    shoot(page, "authoring-editor-phone")


def test_statistics_pages(page, live_server, people, sign_in, shoot):
    from django.test import Client

    from tests.quizhelpers import submit

    for index in range(3):
        learner = UserFactory()
        client = Client()
        client.force_login(learner)
        submit(client, learner, right=index != 0)
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}/trainer/insights/test-course/")
    assert blocking_violations(page) == []
    page.goto(f"{live_server.url}/trainer/insights/test-course/m-1-1/")
    assert page.locator("tr#q-q-one-v1").is_visible()
    shoot(page, "insights-module")
    assert blocking_violations(page) == []
    page.select_option("#attempts-filter", "first")
    page.wait_for_url("**attempts=first")


def test_stored_xss_never_opens_a_dialog(page, live_server, people, sign_in, learner_page):
    trainer, _ = people
    vectors = [*(corpus_lines() or ["<script>alert(1)</script>"])[::3],
               "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "[x](javascript:alert(1))"]
    # Images from other hosts are refused before saving (tests/courses/test_content_images.py).
    vectors = [v for v in vectors if not image_problems([v], 1)]
    module = Module.objects.get(slug="m-1-1")
    body = "\n\n".join(vectors)
    title = ("<script>alert('t')</script>" + vectors[0].replace('"', "'"))[:190]
    text = module.source.replace("title: 模块1", f'title: "{title}"').replace(
        "的正文。", f"的正文。\n\n{body}\n").replace("第一题？", f"第一题？ {vectors[1]}").replace(
        "> 因为对。", f"> 因为对。 {vectors[2]}")
    outcome = services.revision_publish(module=module, text=text, base_id=module.revisions.get().pk,
                                        author=trainer, change=ChangeNote("editorial"))
    assert outcome.ok and not outcome.unchanged, outcome.problems
    dialogs: list[str] = []
    base = live_server.url
    learner_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    learner_page.goto(f"{base}{LEARNER_PAGE}")
    learner_page.goto(f"{base}/courses/test-course/")
    sign_in(page, "coach@example.com")
    for path in (EDIT, "/trainer/courses/test-course/m-1-1/draft/", "/trainer/courses/test-course/m-1-1/history/",
                 "/trainer/courses/test-course/"):
        page.goto(f"{base}{path}")
    page.goto(f"{base}{EDIT}")
    page.locator("textarea[name=text]").fill(text + "\n")
    page.wait_for_timeout(1200)  # the debounced preview has come back
    assert dialogs == []
    violations = [e for e in page.js_errors + getattr(learner_page, "js_errors", []) if "Content Security" in e]
    assert violations == []
