"""The interactive pieces inside module text (static/js/widgets/*.js) in a real Chromium.

Calculators must show exactly the figure courses/content/calculators.py computes, because the
course text quotes it; knowledge checks give instant feedback; reflections render a textarea.
"""

import json
import re
from urllib.parse import parse_qs

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from playwright.sync_api import expect

from courses.content import calculators
from courses.content.loader import load_content
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ROI = "/courses/ops-manager/roi/"
CALCULATOR = "section[data-widget=calculator]"


def content_calculators() -> dict[str, list]:
    """Module slug -> the calculator directives on that page, in page order."""
    courses, problems = load_content(settings.CONTENT_DIR)
    assert problems == []
    found: dict[str, list] = {}
    for course in courses:
        for part in course.parts:
            for module in part.modules:
                calcs = [d for d in module.doc.directives if d.name == "calculator"]
                if calcs:
                    found[module.slug] = calcs
    return found


@pytest.fixture
def learner(page, live_server, real_course, sign_in):
    user = UserFactory(email="widgets@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    sign_in(page, "widgets@example.com")

    def open_module(slug: str):
        page.goto(f"{live_server.url}/courses/ops-manager/{slug}/")
        page.wait_for_selector("html.js")
        return page

    return open_module


def result_of(calc) -> str:
    return calc.locator(".calc-output output").inner_text().strip()


def fill_calculator(calc, values: dict[str, list[str]]) -> None:
    """Type values into a calculator, adding or removing rows of repeatable fields as needed."""
    for name, raws in values.items():
        selector = f"input[name='{name}']"
        inputs = calc.locator(selector)
        while inputs.count() < len(raws):
            calc.locator("fieldset.calc-group", has=calc.page.locator(selector)).locator(".calc-add").click()
        while inputs.count() > len(raws):
            calc.locator(".calc-row", has=calc.page.locator(selector)).last.locator(".calc-remove").click()
        for index, raw in enumerate(raws):
            inputs.nth(index).fill(raw)


def python_result(kind: str, values: dict[str, list[str]]) -> str:
    written = {name: [(raw, "") for raw in raws] for name, raws in values.items()}
    return calculators.compute(kind, calculators.with_defaults(kind, written))


def rewrite_page(page, url: str, change) -> None:
    """Serve the module page with its HTML passed through ``change`` (to set up edge cases)."""
    def handle(route):
        response = route.fetch()
        route.fulfill(response=response, body=change(response.text()))

    page.route(url, handle)


# ---------------------------------------------------------------------------------------------
# Calculators
# ---------------------------------------------------------------------------------------------

def test_roi_calculator_is_prefilled_and_recomputes(learner, shoot):
    page = learner("roi")
    calc = page.locator(CALCULATOR).first
    assert calc.locator(".calc-example").is_hidden()
    assert result_of(calc) == "190"
    status = calc.locator(".calc-output")
    assert "%" in status.inner_text()
    assert "成本合计：100 万元" in status.inner_text()
    assert "收益合计：290 万元" in status.inner_text()

    # The knowledge check below the calculator: KOL 20 -> 0 gives 262.5 %.
    calc.get_by_label("KOL 合作", exact=True).fill("0")
    assert result_of(calc) == "262.5"
    assert "成本合计：80 万元" in status.inner_text()

    # Full-width digits and thousands separators are understood.
    calc.get_by_label("KOL 合作", exact=True).fill("２０")
    assert result_of(calc) == "190"
    calc.get_by_label("平台流量资源", exact=True).fill("1,060")
    assert result_of(calc) == python_result("roi", {"cost": ["1060", "20", "15", "5"],
                                                    "revenue": ["100", "100", "90"]})
    shoot(page, "widgets-roi-desktop")
    calc.screenshot(path=str(ARTIFACTS / "widgets-roi-calculator-desktop.png"))
    assert page.js_errors == []


@pytest.mark.parametrize(("raw", "message"), [
    ("abc", "不是有效的数字"), ("-5", "不能是负数"), ("", "请填写一个数字"), ("1e40", "超出范围"),
])
def test_roi_calculator_flags_an_invalid_value_and_shows_no_result(learner, raw, message):
    page = learner("roi")
    calc = page.locator(CALCULATOR).first
    field = calc.get_by_label("平台流量资源", exact=True)
    field.fill(raw)
    error = calc.locator(".calc-error:visible")
    assert error.count() == 1
    assert message in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert calc.locator(".calc-output output").count() == 0
    assert "暂无结果" in calc.locator(".calc-output").inner_text()

    field.fill("60")
    assert result_of(calc) == "190"
    assert calc.locator(".calc-error:visible").count() == 0
    assert field.get_attribute("aria-invalid") is None
    assert page.js_errors == []


def test_roi_calculator_rows_can_be_added_and_removed(learner):
    page = learner("roi")
    calc = page.locator(CALCULATOR).first
    calc.get_by_role("button", name="添加成本项").click()
    new = calc.locator("input[name=cost]").last
    assert new.evaluate("el => el === document.activeElement")
    assert calc.locator(".calc-output output").count() == 0  # an empty row: no result yet
    new.fill("45")
    assert result_of(calc) == "100"  # (290 - 145) / 145 * 100
    calc.get_by_role("button", name="删除此行：平台流量资源").click()
    assert calc.locator("input[name=cost]").count() == 4
    assert result_of(calc) == python_result("roi", {"cost": ["20", "15", "5", "45"],
                                                    "revenue": ["100", "100", "90"]})
    calc.get_by_role("button", name="恢复示例数据").click()
    assert result_of(calc) == "190"
    assert calc.locator("input[name=cost]").count() == 4
    assert page.js_errors == []


def test_roi_calculator_works_with_the_keyboard_only(learner):
    page = learner("roi")
    calc = page.locator(CALCULATOR).first
    # Start just before the calculator's form, then Tab into it.
    calc.locator(".widget-kind").evaluate("el => { el.tabIndex = -1; el.focus(); }")
    page.keyboard.press("Tab")
    first = calc.get_by_label("平台流量资源", exact=True)
    assert first.evaluate("el => el === document.activeElement")
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    assert result_of(calc) == python_result("roi", {"cost": ["50", "20", "15", "5"],
                                                    "revenue": ["100", "100", "90"]})
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "删除此行：平台流量资源"
    page.keyboard.press("Enter")
    assert calc.get_by_label("KOL 合作", exact=True).evaluate("el => el === document.activeElement")
    assert result_of(calc) == "625"  # (290 - 40) / 40 * 100
    assert page.js_errors == []


def test_every_calculator_in_the_course_shows_the_python_result(learner):
    pages = content_calculators()
    kinds = {d.args for calcs in pages.values() for d in calcs}
    assert kinds == set(calculators.SPECS), "every calculator kind is used somewhere in the course"
    for slug, directives in pages.items():
        page = learner(slug)
        sections = page.locator(CALCULATOR)
        assert sections.count() == len(directives), slug
        for index, directive in enumerate(directives):
            calc = sections.nth(index)
            assert calc.get_attribute("data-kind") == directive.args
            assert directive.result, (slug, index)
            assert result_of(calc) == directive.result, (slug, directive.args)
            assert calc.locator(".calc-example").is_hidden()
    assert page.js_errors == []


# Edited inputs, including rounding ties (Python rounds Decimals half to even) and the figures
# the A/B-testing text quotes for other lifts.
EDITED = [
    ("roi", "roi", {"cost": ["40"], "revenue": ["50.02"]}),                 # 25.05 -> 25
    ("roi", "roi", {"cost": ["40"], "revenue": ["50.06"]}),                 # 25.15 -> 25.2
    ("roi", "roi", {"cost": ["3"], "revenue": ["1"]}),                      # -66.666…
    ("roi", "roi", {"cost": ["10000"], "revenue": ["9999.99"]}),            # negative zero
    ("roi", "roi", {"cost": ["0.1", "0.2"], "revenue": ["0.3"]}),
    ("user-ops", "funnel", {"step": ["3", "1"]}),
    ("user-ops", "funnel", {"step": ["8000", "8000", "1"]}),
    ("user-ops", "funnel", {"step": ["7", "7", "6", "5", "0"]}),
    ("metrics-scale", "stickiness", {"dau": ["1"], "mau": ["3"]}),
    ("metrics-scale", "stickiness", {"dau": ["1"], "mau": ["8"]}),           # 0.125 -> 0.12
    ("metrics-scale", "stickiness", {"dau": ["0"], "mau": ["5"]}),
    ("data-driven-decisions", "rfm", {"recency": ["7"], "frequency": ["2"], "monetary": ["99.99"]}),
    ("data-driven-decisions", "rfm", {"recency": ["91"], "frequency": ["0"], "monetary": ["2000"],
                                      "r_bins": ["1,2,3,4"]}),
    ("ab-testing", "ab-sample-size", {"baseline": ["5"], "lift": ["5"]}),
    ("ab-testing", "ab-sample-size", {"baseline": ["5"], "lift": ["20"]}),
    ("ab-testing", "ab-sample-size", {"baseline": ["0.5"], "lift": ["1"], "alpha": ["0.01"],
                                      "power": ["0.95"]}),
    ("ab-testing", "ab-sample-size", {"baseline": ["60"], "lift": ["50"], "alpha": ["0.1"],
                                      "power": ["0.5"]}),
]


def test_edited_calculators_match_python(learner):
    for slug, kind, values in EDITED:
        page = learner(slug)
        calc = page.locator(f"{CALCULATOR}[data-kind='{kind}']").first
        fill_calculator(calc, values)
        assert result_of(calc) == python_result(kind, values), (kind, values)
    assert python_result("ab-sample-size", {"baseline": ["5"], "lift": ["5"]}) == "122124"
    assert python_result("roi", {"cost": ["10000"], "revenue": ["9999.99"]}) == "-0"
    assert page.js_errors == []


def test_calculators_reject_what_python_rejects(learner):
    page = learner("user-ops")
    calc = page.locator(CALCULATOR).first
    calc.locator("input[name=step]").nth(2).fill("7000")
    assert "不能大于上一步" in calc.locator(".calc-error:visible").inner_text()
    assert calc.locator(".calc-output output").count() == 0

    page = learner("metrics-scale")
    calc = page.locator(CALCULATOR).first
    calc.get_by_label("日活跃用户 DAU", exact=True).fill("200000")
    assert "DAU 不能大于 MAU" in calc.locator(".calc-error:visible").inner_text()
    assert calc.locator(".calc-output output").count() == 0

    page = learner("data-driven-decisions")
    calc = page.locator(CALCULATOR).first
    calc.get_by_label("R 分档（天，升序）", exact=True).fill("30,7,60,90")
    assert "从小到大" in calc.locator(".calc-error:visible").inner_text()
    calc.get_by_label("R 分档（天，升序）", exact=True).fill("7,30,60")
    assert "4 个数字" in calc.locator(".calc-error:visible").inner_text()

    page = learner("ab-testing")
    calc = page.locator(CALCULATOR).first
    calc.get_by_label("基线转化率 (%)", exact=True).fill("100")
    assert "小于 100" in calc.locator(".calc-error:visible").inner_text()
    assert calc.locator(".calc-output output").count() == 0
    assert page.js_errors == []


def test_stickiness_and_rfm_explain_their_result(learner):
    page = learner("metrics-scale")
    status = page.locator(CALCULATOR).first.locator(".calc-output").inner_text()
    assert "约有 9 天" in status
    assert "粘性良好" in status
    page = learner("data-driven-decisions")
    status = page.locator(CALCULATOR).first.locator(".calc-output").inner_text()
    assert "R（最近消费）3 分" in status and "F（消费频次）5 分" in status
    page = learner("ab-testing")
    status = page.locator(CALCULATOR).first.locator(".calc-output").inner_text()
    assert "两组合计：62468 人" in status
    assert page.js_errors == []


# ---------------------------------------------------------------------------------------------
# Knowledge checks
# ---------------------------------------------------------------------------------------------

def test_knowledge_check_gives_instant_feedback(learner):
    page = learner("ops-theory")
    check = page.locator("form[data-widget=check]").first
    result = check.locator(".check-result")
    check.get_by_role("button", name="检查答案").click()
    expect(result).to_have_text("请先选择一个选项。")

    check.get_by_label("具体（Specific）", exact=True).check()
    check.get_by_role("button", name="检查答案").click()
    expect(result).to_contain_text("还不对")
    assert "is-wrong" in result.get_attribute("class")
    check.screenshot(path=str(ARTIFACTS / "widgets-check-wrong.png"))
    assert not check.locator("details").evaluate("el => el.open")

    check.get_by_label("有时限（Time-bound）", exact=True).check()
    check.get_by_role("button", name="检查答案").click()
    expect(result).to_have_text("回答正确！")
    assert "is-right" in result.get_attribute("class")
    assert check.locator("details").evaluate("el => el.open")
    check.screenshot(path=str(ARTIFACTS / "widgets-check-right.png"))
    assert page.js_errors == []


def test_multiple_choice_check_needs_exactly_the_right_set(page, live_server, learner):
    url = f"{live_server.url}/courses/ops-manager/ops-theory/"
    rewrite_page(page, url, lambda html: html.replace('type="radio" name="check-',
                                                      'type="checkbox" name="check-'))
    learner("ops-theory")
    check = page.locator("form[data-widget=check]").first
    result = check.locator(".check-result")
    check.get_by_label("有时限（Time-bound）", exact=True).check()
    check.get_by_label("具体（Specific）", exact=True).check()
    check.get_by_role("button", name="检查答案").click()
    expect(result).to_contain_text("还不对")
    check.get_by_label("具体（Specific）", exact=True).uncheck()
    check.get_by_role("button", name="检查答案").click()
    expect(result).to_have_text("回答正确！")
    assert page.js_errors == []


# ---------------------------------------------------------------------------------------------
# Reflections (the save endpoint is stubbed in the browser, never the real server)
# ---------------------------------------------------------------------------------------------

ARTICLE_RE = re.compile(r'<article class="module-article"[^>]*>')
DATA_RE = re.compile(r'<script id="reflection-data"[^>]*>.*?</script>', re.S)


def with_reflection_setup(url: str | None, saved: dict | None = None):
    def change(html: str) -> str:
        article = '<article class="module-article"' + (f' data-reflection-url="{url}"' if url else "") + ">"
        html = DATA_RE.sub("", ARTICLE_RE.sub(article, html, count=1))
        if saved is not None:
            tag = f'<script id="reflection-data" type="application/json">{json.dumps(saved)}</script>'
            html = html.replace("</body>", tag + "</body>")
        return html
    return change


def test_reflection_without_a_save_url_shows_a_disabled_textarea(page, live_server, learner):
    rewrite_page(page, f"{live_server.url}/courses/ops-manager/welcome/", with_reflection_setup(None))
    learner("welcome")
    widget = page.locator("section[data-widget=reflection]").first
    textarea = widget.get_by_label("写下你的回答", exact=True)
    assert textarea.is_visible()
    assert textarea.is_disabled()
    assert "登录后可保存你的回答" in widget.inner_text()
    assert widget.locator(".reflection-count").inner_text() == "0 / 5000 字"
    assert page.js_errors == []


def test_reflection_saves_with_fetch_and_shows_the_outcome(page, live_server, learner):
    save_url = "/stub/reflections/save/"
    rewrite_page(page, f"{live_server.url}/courses/ops-manager/welcome/",
                 with_reflection_setup(save_url, {}))
    requests = []

    def endpoint(route):
        requests.append(route.request)
        fields = parse_qs(route.request.post_data or "")
        if fields.get("text") == ["bad"]:
            route.fulfill(status=400, json={"error": "回答不能为空白。"})
        else:
            route.fulfill(json={"ok": True, "updated_at": "2026-11-24T10:00:00+08:00"})

    page.route(f"{live_server.url}{save_url}", endpoint)
    learner("welcome")
    widget = page.locator("section[data-widget=reflection]").first
    status = widget.get_by_role("status")
    textarea = widget.get_by_label("写下你的回答", exact=True)
    assert textarea.is_enabled()
    textarea.fill("先听、再看、后做。")
    expect(widget.locator(".reflection-count")).to_have_text("9 / 5000 字")
    expect(status).to_contain_text("未保存")
    widget.get_by_role("button", name="保存").click()
    expect(status).to_contain_text("已保存（")
    widget.screenshot(path=str(ARTIFACTS / "widgets-reflection-saved.png"))
    request = requests[-1]
    assert request.method == "POST"
    assert request.headers["x-requested-with"] == "fetch"
    assert request.headers["x-csrftoken"]
    assert parse_qs(request.post_data) == {"key": [widget.get_attribute("data-key")],
                                           "text": ["先听、再看、后做。"]}

    textarea.fill("bad")
    textarea.press("Control+Enter")
    expect(status).to_contain_text("保存失败：回答不能为空白。")
    assert len(requests) == 2
    # Chromium logs the stubbed 400 response itself; no script error besides that.
    assert [e for e in page.js_errors if "status of 400" not in e] == []


def test_reflection_shows_a_saved_answer(page, live_server, learner):
    saved_text = "第一周先做用户访谈。"
    keys = []

    def change(html: str) -> str:
        keys.append(re.search(r'data-widget="reflection" data-key="([^"]+)"', html)[1])
        saved = {keys[-1]: {"text": saved_text, "updated_at": "2026-11-24T10:00:00+08:00"}}
        return with_reflection_setup("/stub/save/", saved)(html)

    rewrite_page(page, f"{live_server.url}/courses/ops-manager/welcome/", change)
    learner("welcome")
    widget = page.locator(f"section[data-key='{keys[0]}']")
    assert widget.get_by_label("写下你的回答", exact=True).input_value() == saved_text
    expect(widget.get_by_role("status")).to_contain_text("上次保存于")
    expect(widget.locator(".reflection-count")).to_have_text(f"{len(saved_text)} / 5000 字")
    assert page.js_errors == []


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------

def test_roi_page_fits_a_phone(page, learner, shoot):
    page.set_viewport_size(PHONE)
    learner("roi")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the ROI page scrolls sideways on a phone"
    calc = page.locator(CALCULATOR).first
    first, second = calc.locator("input[name=cost]").nth(0), calc.locator("input[name=cost]").nth(1)
    assert first.bounding_box()["y"] < second.bounding_box()["y"]  # rows stack
    calc.get_by_label("平台流量资源", exact=True).fill("abc")
    calc.screenshot(path=str(ARTIFACTS / "widgets-roi-calculator-phone-error.png"))
    calc.get_by_label("平台流量资源", exact=True).fill("60")
    shoot(page, "widgets-roi-phone")
    calc.screenshot(path=str(ARTIFACTS / "widgets-roi-calculator-phone.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow
    assert page.js_errors == []


def test_other_widget_pages_fit_a_phone(page, learner, shoot):
    page.set_viewport_size(PHONE)
    for slug in ("ab-testing", "data-driven-decisions", "analysis-method", "welcome", "ops-theory"):
        learner(slug)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{slug} scrolls sideways on a phone"
        for index, calc in enumerate(page.locator(CALCULATOR).all()):
            calc.screenshot(path=str(ARTIFACTS / f"widgets-{slug}-{index}-phone.png"))
    assert page.js_errors == []
