"""A course's question bank (content/<course>/_bank/*.md) and module quizzes that draw a random
paper from it by tag and difficulty: validated with file:line, one paper per attempt, kept on it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from quizzes.models import Attempt
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.quizhelpers import token

URL = "/courses/test-course/m-1-1/"


def bank_question(key: str, tags: str, difficulty: int, text: str = "") -> str:
    return (f"## [single] {key}\n{text or '题目 ' + key}？\n- [x] 对 {key}\n- [ ] 错 {key}\n"
            f"tags: {tags}\ndifficulty: {difficulty}\n> 因为 {key}。\n\n")


DIFFICULTY = {"ret-1": 3, "ret-2": 4, "ret-3": 5, "ret-4": 2, "fun-1": 1, "fun-2": 4}
BANK = "---\ntitle: 数据题库\n---\n=== quiz ===\n\n" + "".join(
    bank_question(key, "留存, 指标" if key.startswith("ret") else "漏斗", level) for key, level in DIFFICULTY.items())
RULES = "draw: 2 tag 留存 difficulty >= 3\ndraw: 1 tag 漏斗\n\n"


def write_bank(course_dir, text: str = BANK, name: str = "data.md") -> None:
    (course_dir / "_bank").mkdir(exist_ok=True)
    (course_dir / "_bank" / name).write_text(text, encoding="utf-8")


def add_rules(course_dir, rules: str = RULES) -> None:
    path = module_file(course_dir, 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("=== quiz ===\n\n", f"=== quiz ===\n\n{rules}"),
                    encoding="utf-8")


def import_errors(course_dir) -> str:
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_content", str(course_dir.parent), stderr=errors)
    return errors.getvalue()


@pytest.fixture
def bank_course(db, course_dir):
    write_bank(course_dir)
    add_rules(course_dir)
    call_command("import_content", str(course_dir.parent))
    return course_dir


def paper_keys(attempt: Attempt) -> list[str]:
    return [item["key"] for item in attempt.paper]


def open_paper(user) -> tuple[Client, Attempt, str]:
    client = Client()
    client.force_login(user)
    page = client.get(URL).content.decode()
    return client, Attempt.objects.get(user=user, status="open"), page


def test_each_attempt_draws_its_own_paper_by_the_rules_and_keeps_it(bank_course):
    papers = []
    for number in range(12):
        _client, attempt, page = open_paper(UserFactory(email=f"l{number}@example.com"))
        keys = paper_keys(attempt)
        assert keys[:2] == ["q-one", "q-two"]  # the module's own questions, then the drawn ones
        drawn = keys[2:]
        assert len(drawn) == 3 and len(set(drawn)) == 3
        assert all(k.startswith("ret-") and DIFFICULTY[k] >= 3 for k in drawn[:2]) and drawn[2].startswith("fun-")
        assert all(f"题目 {k}" in page for k in drawn) and set(attempt.layout) == set(keys)
        papers.append(tuple(sorted(drawn)))
    assert len(set(papers)) > 1


def test_a_drawn_paper_is_graded_and_reviewed_by_what_it_asked_even_after_the_bank_changes(bank_course, learner):
    client, attempt, _page = open_paper(learner)
    drawn = paper_keys(attempt)[2:]
    text = BANK
    for key in drawn:  # every drawn question gets a new right answer and text
        text = text.replace(f"- [x] 对 {key}\n- [ ] 错 {key}", f"- [ ] 对 {key}\n- [x] 错 {key}")
        text = text.replace(f"题目 {key}？", f"新题目 {key}？")
    write_bank(bank_course, text)
    call_command("import_content", str(bank_course.parent))
    form = {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a"), "q-q-two": "true",
            **{f"q-{key}": token(attempt, key, "a") for key in drawn}}
    assert client.post(URL + "quiz/", form).status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100 and set(attempt.outcomes) == set(paper_keys(attempt))
    page = client.get(URL).content.decode()
    review = page[page.index('class="review-list"'):page.index("</details>")]  # the next attempt's form follows
    assert all(f"题目 {k}" in review and f"新题目 {k}" not in review for k in drawn)
    assert all(f"因为 {k}" in review for k in drawn)


def test_a_posted_answer_to_a_bank_question_not_on_this_paper_is_refused(bank_course, learner):
    client, attempt, _page = open_paper(learner)
    other = next(k for k in ("ret-1", "ret-2", "ret-3", "fun-1", "fun-2") if k not in paper_keys(attempt))
    form = {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a"), "q-q-two": "true",
            **{f"q-{key}": token(attempt, key, "a") for key in paper_keys(attempt)[2:]}, f"q-{other}": "a"}
    assert client.post(URL + "quiz/", form).status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).status == "open"


def test_a_rule_the_bank_cannot_satisfy_is_rejected_with_file_and_line(db, course_dir):
    write_bank(course_dir)
    add_rules(course_dir, "draw: 4 tag 留存 difficulty >= 3\n\n")
    errors = import_errors(course_dir)
    assert "01-m-1-1.md:16: the rule asks for 4 question(s) tagged '留存' of difficulty 3–5" in errors
    assert "has 3" in errors


def test_rules_that_share_questions_must_be_satisfiable_together(db, course_dir):
    write_bank(course_dir)
    add_rules(course_dir, "draw: 3 tag 留存 difficulty >= 3\ndraw: 4\n\n")
    assert "together they need 7 different questions" in import_errors(course_dir)


@pytest.mark.parametrize(("question", "message"), [
    ("## [single] bad\n题？\n- [x] 对\n- [ ] 错\ndifficulty: 3\n> 因为。\n",
     "bank question 'bad' needs a 'tags:' line"),
    ("## [single] bad\n题？\n- [x] 对\n- [ ] 错\ntags: 留存\n> 因为。\n", "bank question 'bad' needs a 'difficulty:'"),
    ("## [single] bad\n题？\n- [x] 对\n- [ ] 错\ntags: 留存\ndifficulty: 7\n> 因为。\n",
     "difficulty must be a whole number from 1 to 5, not '7'"),
    ("## [single] ret-1\n题？\n- [x] 对\n- [ ] 错\ntags: 留存\ndifficulty: 3\n> 因为。\n",
     "question id 'ret-1' is already used in"),
])
def test_bad_bank_questions_are_reported_with_file_and_line(db, course_dir, question, message):
    write_bank(course_dir)
    write_bank(course_dir, f"---\ntitle: 第二题库\n---\n=== quiz ===\n\n{question}", name="more.md")
    errors = import_errors(course_dir)
    assert "_bank/more.md:6: " in errors and message in errors


def test_a_bad_draw_line_is_reported_with_its_line(db, course_dir):
    write_bank(course_dir)
    add_rules(course_dir, "draw: three tag 留存\n\n")
    assert "01-m-1-1.md:16: draw rule 'three tag 留存' is not readable" in import_errors(course_dir)


def test_the_browser_editor_checks_draw_rules_against_the_stored_bank(bank_course, trainer):
    from courses.models import Module

    client = Client()
    client.force_login(trainer)
    module = Module.objects.get(slug="m-1-1")
    text = module.source.replace("draw: 1 tag 漏斗", "draw: 3 tag 漏斗")
    data = client.post("/trainer/courses/test-course/m-1-1/preview/", {"text": text}).json()
    assert {"line": 17, "message": "规则要抽 3 道标签为 '漏斗' 的题，但课程题库（_bank/）中只有 2 道"} in data["errors"]
    base = module.revisions.order_by("-number").first().pk
    refused = client.post("/trainer/courses/test-course/m-1-1/edit/",
                          {"text": text, "action": "publish", "change": "editorial", "base": base})
    assert "标签为 &#x27;漏斗&#x27; 的题，但课程题库（_bank/）中只有 2 道" in refused.content.decode()
    module.refresh_from_db()
    assert "draw: 1 tag 漏斗" in module.source and module.quiz.draw_rules[1]["count"] == 1


def test_item_statistics_include_the_drawn_questions_where_they_were_asked(bank_course, trainer):
    drawn = set()
    for number in range(3):
        client, attempt, _page = open_paper(UserFactory(email=f"s{number}@example.com"))
        keys = paper_keys(attempt)
        form = {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a"), "q-q-two": "true",
                **{f"q-{key}": token(attempt, key, "b") for key in keys[2:]}}
        assert client.post(URL + "quiz/", form).status_code == 302
        drawn |= set(keys[2:])
    client = Client()
    client.force_login(trainer)
    page = client.get("/trainer/insights/test-course/m-1-1/").content.decode()
    assert all(f'id="q-{key}-v1"' in page for key in drawn)
    assert page.index('id="q-q-two-v1"') < min(page.index(f'id="q-{key}-v1"') for key in drawn)
    untouched = {"ret-1", "ret-2", "ret-3", "fun-1", "fun-2"} - drawn
    assert all(f'id="q-{key}-v1"' not in page for key in untouched)


def test_the_editor_tells_draw_rule_problems_in_the_trainer_language(bank_course, trainer):
    from courses.models import Module

    client = Client()
    client.force_login(trainer)
    source = Module.objects.get(slug="m-1-1").source
    cases = [("draw: 1 tag 漏斗", "draw: 3 tag 漏斗", 17,
              "规则要抽 3 道标签为 '漏斗' 的题，但课程题库（_bank/）中只有 2 道",
              "the rule asks for 3 question(s) tagged '漏斗' but the course's bank (_bank/) has 2"),
             ("draw: 1 tag 漏斗", "draw: 1 tag 漏斗 difficulty = 7", 17,
              "难度从 1 到 5，而不是 7", "difficulty runs from 1 to 5, not 7"),
             ("draw: 1 tag 漏斗", "draw: three", 17,
              "抽题规则 'three' 无法识别；请写成例如 'draw: 3 tag 留存 difficulty >= 3'",
              "draw rule 'three' is not readable; write e.g. 'draw: 3 tag 留存 difficulty >= 3'")]
    for old, new, line, chinese, english in cases:
        text = source.replace(old, new)
        client.cookies["django_language"] = "zh-hans"
        assert {"line": line, "message": chinese} in client.post(URL_PREVIEW, {"text": text}).json()["errors"]
        client.cookies["django_language"] = "en"
        assert {"line": line, "message": english} in client.post(URL_PREVIEW, {"text": text}).json()["errors"]


URL_PREVIEW = "/trainer/courses/test-course/m-1-1/preview/"


@pytest.mark.parametrize(("question", "line", "chinese"), [
    ("## [single] bad\n题？\n- [x] 对\n- [ ] 错\ndifficulty: 3\n> 因为。\n", 6,
     "题库题目 'bad' 需要一行 'tags:'（知识点，例如 'tags: 留存, 漏斗'）"),
    ("## [single] bad\n题？\n- [x] 对\n- [ ] 错\ntags: 留存\ndifficulty: 7\n> 因为。\n", 11,
     "难度必须是 1 到 5 的整数，而不是 '7'"),
])
def test_bank_problems_are_told_in_the_reader_language(db, course_dir, question, line, chinese):
    from django.utils import translation

    from courses.services import content_validate

    write_bank(course_dir)
    write_bank(course_dir, f"---\ntitle: 第二题库\n---\n=== quiz ===\n\n{question}", name="more.md")
    problems = [p for p in content_validate(root=course_dir.parent) if p.path.endswith("more.md")]
    with translation.override("zh-hans"):
        assert [p.line for p in problems if p.localised() == chinese] == [line]
    with translation.override("en"):
        assert [p.localised() for p in problems] == [p.message for p in problems]
