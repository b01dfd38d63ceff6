"""What a phone, a keyboard and a screen reader meet: the compact header, focus after a submit,
branded error pages, 24 px targets, no sideways scrolling; screenshots at 1280 and 390 px."""

import pytest
from allauth.account.models import EmailAddress

from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_learner_journey import answer_quiz, small_course  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
CONTRAST = """(el) => {
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/\\d+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ring = lum(getComputedStyle(el).outlineColor);
  return 1.05 / (ring + 0.05);
}"""


def verified_user(email: str, **fields):
    user = UserFactory(email=email, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_header_is_compact_with_a_keyboard_menu(page, live_server, small_course, sign_in, shoot):  # noqa: F811
    verified_user("phone@example.com")
    sign_in(page, "phone@example.com")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 70
    menu = page.get_by_role("button", name="菜单")
    assert menu.get_attribute("aria-expanded") == "false" and not page.get_by_role("link", name="我的学习").is_visible()
    shoot(page, "look-phone-header-closed")
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and page.get_by_role("link", name="我的学习").is_visible()
    shoot(page, "look-phone-header-open")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="我的学习").focus()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.get_by_role("link", name="我的学习").is_visible() and not menu.is_visible()
    assert page.js_errors == []


def test_focus_ring_has_three_to_one_contrast_on_white(page, live_server, small_course):  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    assert page.evaluate("(el) => getComputedStyle(el).outlineStyle", focused) == "solid"
    assert page.evaluate(CONTRAST, focused) >= 3


def test_checkboxes_and_radios_are_24_px_targets(page, live_server, small_course):  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    box = page.locator("input[type=checkbox]").first.bounding_box()
    assert box["width"] + 2 >= 24 and box["height"] + 2 >= 24


def test_after_a_quiz_or_mistake_submit_focus_is_on_the_result(page, live_server, small_course, sign_in):  # noqa: F811
    verified_user("focus@example.com")
    sign_in(page, "focus@example.com")
    page.goto(f"{live_server.url}/courses/test-course/")
    page.get_by_role("button", name="报名并开始学习").click()
    page.wait_for_url("**/courses/test-course/m-1-1/")
    page.get_by_role("button", name="我已读完").click()
    page.wait_for_load_state()
    answer_quiz(page, right=False)
    assert page.evaluate("document.activeElement.id") == "quiz-result"
    assert "尚未通过" in page.evaluate("document.activeElement.innerText")
    page.goto(f"{live_server.url}/me/mistakes/")
    mistake = page.locator(".mistake").filter(has_text="第一题？")
    mistake.get_by_label("错的").check()
    mistake.get_by_role("button", name="再答一次").click()
    page.wait_for_load_state()
    focused = page.evaluate_handle("document.activeElement")
    assert page.evaluate("(el) => /^mistake-\\d+-result$/.test(el.id) && el.innerText", focused).startswith("还没答对")
    box = page.evaluate("(el) => el.getBoundingClientRect().toJSON()", focused)
    assert box["top"] >= 0 and box["bottom"] <= page.viewport_size["height"]
    mistake = page.locator(".mistake").filter(has_text="第一题？")
    mistake.get_by_label("对的").check()
    mistake.get_by_role("button", name="再答一次").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.className") == "messages"
    assert "答对了" in page.evaluate("document.activeElement.innerText")


@pytest.mark.parametrize("width", [1280, 390])
def test_error_pages_are_branded_and_fit_a_phone(page, live_server, small_course, sign_in, shoot, width):  # noqa: F811
    verified_user("learner403@example.com")
    sign_in(page, "learner403@example.com")
    page.set_viewport_size({"width": width, "height": 844})
    for path, text, name in (("/trainer/", "没有权限访问讲师工作台", "403"), ("/no-such-page/", "页面不存在", "404")):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1 and page.get_by_text(text).is_visible()
        assert page.evaluate("document.documentElement.lang") == "zh-hans"
        assert no_sideways_scroll(page)
        assert blocking_violations(page) == []
        shoot(page, f"look-error-{name}-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_cohort_detail_does_not_overflow_a_phone(page, live_server, small_course, sign_in, shoot, width):  # noqa: F811
    from accounts.models import Role
    from accounts.roles import role_grant
    from progress.models import Cohort, CohortMember

    hr = verified_user("hr-look@example.com")
    role_grant(user=hr, role=Role.HR)
    cohort = Cohort.objects.create(name="2026 春季新人营")
    for n in range(3):
        CohortMember.objects.create(cohort=cohort, user=UserFactory(
            email=f"member.with.a.long.address.{n}@operations-academy-example.com", display_name=f"成员{n}",
            department="用户增长与私域运营中心"))
    sign_in(page, "hr-look@example.com")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{live_server.url}/hr/cohorts/{cohort.pk}/")
    assert no_sideways_scroll(page)
    assert blocking_violations(page) == []
    shoot(page, f"look-cohort-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_outline_folds_by_part_and_certificate_page(page, live_server, small_course, sign_in, shoot, width):  # noqa: F811
    verified_user("outline@example.com")
    sign_in(page, "outline@example.com")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{live_server.url}/courses/test-course/")
    assert page.locator("details.outline-part-details[open]").count() == 1
    assert page.locator(".outline-part-progress").first.inner_text().startswith("已完成")
    assert no_sideways_scroll(page)
    assert blocking_violations(page) == []
    shoot(page, f"look-outline-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_catalogue_cards_have_cover_ring_and_next_step(page, live_server, real_course, sign_in, shoot, width):
    verified_user("catalogue@example.com")
    sign_in(page, "catalogue@example.com")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    card = page.locator(".course-card").first
    assert card.locator(".course-cover").is_visible() and card.locator(".progress-ring").is_visible()
    assert card.get_by_role("link", name="开始学习").is_visible()
    assert no_sideways_scroll(page)
    assert blocking_violations(page) == []
    shoot(page, f"look-catalogue-{width}")


def trainer_signed_in(page, sign_in, email: str):
    from accounts.models import Role
    from accounts.roles import role_grant

    role_grant(user=verified_user(email), role=Role.TRAINER)
    sign_in(page, email)


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_wraps_long_lines_and_keeps_its_buttons_in_reach(page, live_server, small_course, sign_in,  # noqa: F811
                                                               shoot, width):
    trainer_signed_in(page, sign_in, f"editor{width}@example.com")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/trainer/courses/test-course/m-1-1/edit/")
    editor = page.locator("textarea.editor-text")
    editor.press("Control+Home")
    editor.type("很长的一行" * 80 + "\n")
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", editor.element_handle())
    gutter = page.locator("#editor-gutter").inner_text().split("\n")
    assert gutter[0] == "1" and gutter[1] == ""  # line 1 wraps onto several rows
    page.mouse.wheel(0, 400)
    publish = page.get_by_role("button", name="发布")
    box = publish.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert no_sideways_scroll(page)
    shoot(page, f"look-editor-{width}")
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_format_guide_and_trainer_course_page(page, live_server, small_course, sign_in, shoot, width):  # noqa: F811
    trainer_signed_in(page, sign_in, f"guide{width}@example.com")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/trainer/courses/test-course/")
    assert blocking_violations(page) == [] and no_sideways_scroll(page)
    shoot(page, f"look-trainer-course-{width}")
    page.get_by_role("link", name="内容格式说明").click()
    page.wait_for_url("**/trainer/guide/")
    assert page.locator("h1").count() == 1
    assert blocking_violations(page) == [] and no_sideways_scroll(page)
    shoot(page, f"look-guide-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_hr_pages_on_the_demo_organisation(page, live_server, real_course, sign_in, shoot, width):
    from django.core.management import call_command

    from accounts.models import Role
    from accounts.roles import role_grant

    call_command("seed_demo", "--if-absent", "--learners", "60")
    role_grant(user=verified_user(f"hr{width}@example.com"), role=Role.HR)
    sign_in(page, f"hr{width}@example.com")
    page.set_viewport_size({"width": width, "height": 900})
    for path, name in (("/hr/", "report"), ("/hr/matrix/", "matrix"), ("/reminders/preview/", "preview"),
                       ("/hr/exports/", "exports")):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("nav.subnav").is_visible()
        assert no_sideways_scroll(page), path
        assert blocking_violations(page) == [], path
        shoot(page, f"look-hr-{name}-{width}")
    page.goto(f"{live_server.url}/hr/matrix/")
    assert page.locator("td.cell").count() > 0


@pytest.mark.parametrize("width", [1280, 390])
def test_in_page_certificate_with_qr_code(page, live_server, small_course, sign_in, shoot, width):  # noqa: F811
    from courses.models import Course
    from progress.services import certificate_issue

    learner = verified_user(f"cert{width}@example.com", display_name="𠮷田 Ada")
    certificate = certificate_issue(user=learner, course=Course.objects.get(slug="test-course"))
    sign_in(page, learner.email)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/certificates/{certificate.code}/")
    qr = page.locator("img.certificate-qr")
    assert qr.evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert page.locator(".certificate-name").inner_text() == "𠮷田 Ada" and no_sideways_scroll(page)
    assert blocking_violations(page) == []
    shoot(page, f"look-certificate-{width}")
    assert page.js_errors == []
