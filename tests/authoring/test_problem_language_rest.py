"""The editor tells front matter, answer syntax and GIFT problems in the trainer's language, at
their line; the command line keeps the English words."""

import pytest

from courses.models import Module
from tests.authoring.conftest import EDIT

PREVIEW = "/trainer/courses/test-course/m-1-1/preview/"

CASES = {
    "moment": ("minutes: 10", "minutes: 10\nopens_at: next tuesday", 6,
               "field 'opens_at' must be a date and time like '2026-12-01 09:00', not 'next tuesday'",
               "字段 'opens_at' 必须是形如 '2026-12-01 09:00' 的日期和时间，而不是 'next tuesday'"),
    "credit hours": ("minutes: 10", "minutes: 10\ncredit_hours: lots", 6,
                     "field 'credit_hours' must be a number such as 1 or 0.5, not 'lots'",
                     "字段 'credit_hours' 必须是数字（例如 1 或 0.5），而不是 'lots'"),
    "credit decimals": ("minutes: 10", "minutes: 10\ncredit_hours: 1.255", 6,
                        "field 'credit_hours' has more than two decimals: 1.255",
                        "字段 'credit_hours' 的小数超过两位：1.255"),
    "true/false feedback": ("answer: true", "answer: true\n  > maybe: 也许", 24,
                            "question 'q-two': true/false feedback reads '  > true: …' or '  > false: …' "
                            "(for that response), not 'maybe: 也许'",
                            "题目 'q-two'：判断题的反馈应写成 '  > true: …' 或 '  > false: …'（对应该回答），"
                            "而不是 'maybe: 也许'"),
}


def preview_errors(client, text: str) -> list[dict]:
    return client.post(PREVIEW, {"text": text}).json()["errors"]


@pytest.mark.parametrize("case", CASES)
def test_preview_tells_the_problem_in_chinese_and_in_english(trainer_client, module, case):
    old, new, line, english, chinese = CASES[case]
    assert old in module.source
    text = module.source.replace(old, new, 1)
    assert {"line": line, "message": chinese} in preview_errors(trainer_client, text)
    trainer_client.cookies["django_language"] = "en"
    assert {"line": line, "message": english} in preview_errors(trainer_client, text)


GIFT_CASES = {
    "two full marks": ("::q1::选哪个？{=甲 =乙 ~丙}", "单选题有 2 个答案得 100%；必须恰好有一个选项得满分",
                       "single choice with 2 answers worth 100%; one option must get full marks"),
    "one answer": ("::q1::选哪个？{~甲}", "选择题至少需要两个答案",
                   "a multiple choice question needs at least two answers"),
    "numeric without answer": ("::q1::多少？{#}", "数值题没有答案（写成 &#x27;{#3:0.5}&#x27; 或 &#x27;{#1..5}&#x27;）",
                               "numeric question without an answer (&#x27;{#3:0.5}&#x27; or &#x27;{#1..5}&#x27;)"),
}


@pytest.mark.parametrize("case", GIFT_CASES)
def test_gift_problem_in_chinese_and_in_english(trainer_client, imported_course, case):
    gift, chinese, english = GIFT_CASES[case]
    url = EDIT.replace("edit/", "gift/").format("m-1-1")
    page = trainer_client.post(url, {"gift": gift}).content.decode()
    assert "GIFT 第 1 行" in page and chinese in page
    trainer_client.cookies["django_language"] = "en"
    page = trainer_client.post(url, {"gift": gift}).content.decode()
    assert english in page and chinese not in page
    assert Module.objects.get(slug="m-1-1").revisions.count() == 1  # nothing saved
