"""学时: credit hours from front matter, earned on completion with active time as evidence, offline
sessions HR records (audited, kept apart), and HR's report per learner and department by category."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from courses.models import Module
from courses.services import content_validate
from progress.models import ModuleCredit, OfflineCredit
from tests.coursebuilder import module_file, write_course
from tests.factories import UserFactory
from tests.hr.credit_setup import add_front_matter, complete_module, import_credit_course


def offline(**fields) -> dict:
    """The offline-session form's fields as the learner page posts them."""
    return {f"offline-{name}": value for name, value in fields.items()}


@pytest.fixture
def course(db, tmp_path):
    return import_credit_course(tmp_path / "content")


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


@pytest.mark.parametrize(("line", "message"), [
    ("credit_hours: lots", "field 'credit_hours' must be a number such as 1 or 0.5, not 'lots'"),
    ("credit_hours: 0.333", "field 'credit_hours' has more than two decimals: 0.333"),
    ("credit_hours: -1", "field 'credit_hours' must be at least 0"),
    ("credit_hours: true", "field 'credit_hours' must be a number such as 1 or 0.5, not True"),
    ("credit_hours: .nan", "field 'credit_hours' must be a number such as 1 or 0.5, not nan"),
    ("credit_category: ''", "field 'credit_category' is empty"),
])
def test_bad_module_credit_front_matter_names_file_line_and_field(tmp_path, line, message):
    course = write_course(tmp_path / "content")
    add_front_matter(module_file(course, 1, 2), line)
    problems = content_validate(root=tmp_path / "content")
    assert [(p.path.endswith("02-m-1-2.md"), p.line, p.message) for p in problems] == [(True, 2, message)]


def test_bad_course_credit_share_is_refused(db, tmp_path):
    course = write_course(tmp_path / "content")
    add_front_matter(course / "_course.md", "credit_min_active: 150")
    problems = content_validate(root=tmp_path / "content")
    assert [str(p).split(":", 1)[1] for p in problems] == ["2: field 'credit_min_active' must be at most 100"]


def test_import_applies_module_hours_and_course_defaults(course):
    modules = {m.slug: m for m in Module.objects.select_related("course")}
    assert [(m.effective_credit_hours, m.effective_credit_category, m.credit_min_active_seconds)
            for m in modules.values()] == [
        (Decimal("1.50"), "安全生产", 300), (Decimal("2.00"), "专业技能", 300), (Decimal("2.00"), "安全生产", 300)]


def test_completion_earns_the_hours_pending_until_enough_active_time(course, learner_client, learner):
    complete_module(learner_client, learner, 1, active_seconds=299)
    credit = ModuleCredit.objects.get(user=learner)
    assert (credit.hours, credit.category, credit.required_seconds) == (Decimal("1.50"), "安全生产", 300)
    assert not ModuleCredit.objects.filter(module__slug="m-1-2").exists()  # not completed
    from hr.credit import person_credit

    assert (person_credit(user=learner).line.online_total, person_credit(user=learner).line.pending_total) == (
        Decimal("0.00"), Decimal("1.50"))
    complete_module(learner_client, learner, 1, active_seconds=300)
    assert ModuleCredit.objects.filter(user=learner).count() == 1
    assert person_credit(user=learner).line.online_total == Decimal("1.50")


def test_a_later_edit_of_the_hours_keeps_what_was_earned(course, learner_client, learner, tmp_path):
    complete_module(learner_client, learner, 1, active_seconds=600)
    path = module_file(tmp_path / "content" / "test-course", 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("credit_hours: 1.5", "credit_hours: 4"),
                    encoding="utf-8")
    call_command("import_content", str(tmp_path / "content"))
    assert Module.objects.get(slug="m-1-1").credit_hours == Decimal("4.00")
    assert ModuleCredit.objects.get(user=learner).hours == Decimal("1.50")


def test_hr_records_an_offline_session_with_an_audit_entry(course, hr_client, hr_user, learner):
    response = hr_client.post(f"/hr/learners/{learner.pk}/credit/add/", offline(
        title="消防演练", held_on="2026-03-05", hours="3.5", category="安全生产", reason="线下课堂，签到表存档"),
        follow=True)
    assert "Offline training recorded." in response.content.decode() or "已记录线下培训" in response.content.decode()
    session = OfflineCredit.objects.get()
    assert (session.user, session.hours, session.held_on, session.created_by) == (
        learner, Decimal("3.50"), date(2026, 3, 5), hr_user)
    entry = AuditEntry.objects.get(action="credit.offline_add")
    assert (entry.actor, entry.target_id, entry.reason) == (hr_user, str(learner.pk), "线下课堂，签到表存档")
    assert entry.after["hours"] == "3.50" and entry.after["title"] == "消防演练"
    assert not ModuleCredit.objects.exists()  # apart from online credit


@pytest.mark.parametrize("data", [
    {"hours": "0"}, {"hours": "25"}, {"hours": "1.234"}, {"hours": "abc"}, {"reason": ""}, {"category": ""},
    {"held_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, {"held_on": "2026-02-30"},
])
def test_bad_offline_sessions_are_refused_and_nothing_is_written(course, hr_client, learner, data):
    form = offline(**{"title": "消防演练", "held_on": "2026-03-05", "hours": "2", "category": "安全生产",
                      "reason": "签到表", **data})
    response = hr_client.post(f"/hr/learners/{learner.pk}/credit/add/", form, follow=True)
    assert response.status_code == 200
    assert not OfflineCredit.objects.exists() and not AuditEntry.objects.filter(action="credit.offline_add").exists()


def test_offline_sessions_for_an_unknown_person_are_404(course, hr_client):
    response = hr_client.post("/hr/learners/999999/credit/add/", offline(
        title="x", held_on="2026-03-05", hours="2", category="c", reason="r"))
    assert response.status_code == 404 and not OfflineCredit.objects.exists()


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_credit_pages_are_hr_only(course, client, role, learner, trainer):
    client.force_login({"learner": learner, "trainer": trainer}[role])
    assert client.get("/hr/credit/").status_code == 403
    assert client.get(f"/hr/learners/{learner.pk}/credit/").status_code == 403
    assert client.post(f"/hr/learners/{learner.pk}/credit/add/", offline(
        title="x", held_on="2026-03-05", hours="2", category="c", reason="r")).status_code == 403
    assert not OfflineCredit.objects.exists()


@pytest.fixture
def credited(course, client, hr_user):
    """Two learners in 运营部 and one in 销售部 with online and offline credit this year."""
    year = timezone.localdate().year
    ops = [UserFactory(email=f"ops{n}@example.com", display_name=f"运营{n}", department="运营部") for n in range(2)]
    sales = UserFactory(email="sales@example.com", display_name="销售", department="销售部")
    for person, modules in ((ops[0], (1, 2)), (ops[1], (1,)), (sales, (3,))):
        client.force_login(person)
        for number in modules:
            complete_module(client, person, number, active_seconds=600)
    complete_module(client, sales, 2, active_seconds=10)  # pending
    OfflineCredit.objects.create(user=ops[1], title="消防演练", held_on=date(year, 1, 10), hours=Decimal("3"),
                                 category="安全生产", reason="签到表", created_by=hr_user)
    OfflineCredit.objects.create(user=ops[1], title="去年的课", held_on=date(year - 1, 12, 31), hours=Decimal("8"),
                                 category="安全生产", reason="签到表", created_by=hr_user)
    client.force_login(hr_user)
    return {"ops": ops, "sales": sales, "year": year}


def _table(html: str) -> str:
    return " ".join(html.split())


def test_report_per_learner_by_category(credited, client):
    response = client.get(f"/hr/credit/?year={credited['year']}")
    assert response.status_code == 200
    rows = {row["line"].label: row for row in response.context["rows"]}
    assert response.context["categories"] == ["专业技能", "安全生产"]
    assert [(c["online"], c["pending"], c["offline"]) for c in rows["运营0"]["cells"]] == [
        (Decimal("2.00"), 0, 0), (Decimal("1.50"), 0, 0)]
    assert (rows["运营1"]["online"], rows["运营1"]["offline"]) == (Decimal("1.50"), Decimal("3.00"))
    assert (rows["销售"]["online"], rows["销售"]["pending"]) == (Decimal("2.00"), Decimal("2.00"))
    assert "Pending: not enough active time" in response.content.decode() or "待计：有效学习时长不足" in \
        response.content.decode()


def test_report_per_department_and_for_another_year(credited, client):
    year = credited["year"]
    rows = {r["line"].label: r for r in client.get(f"/hr/credit/?year={year}&group=department").context["rows"]}
    assert {k: (r["online"], r["pending"], r["offline"]) for k, r in rows.items()} == {
        "运营部": (Decimal("5.00"), 0, Decimal("3.00")), "销售部": (Decimal("2.00"), Decimal("2.00"), 0)}
    last = client.get(f"/hr/credit/?year={year - 1}&group=department&department=运营部").context["rows"]
    assert [(r["line"].label, r["online"], r["offline"]) for r in last] == [("运营部", 0, Decimal("8.00"))]


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "year=3000", "department=不存在", "group=everyone"])
def test_invalid_report_filters_are_400_and_show_nothing(credited, client, query):
    response = client.get(f"/hr/credit/?{query}")
    assert response.status_code == 400 and response.context["rows"] == []


def test_certificate_of_credit_hours_prints_one_persons_record(credited, client):
    person = credited["ops"][1]
    page = client.get(f"/hr/learners/{person.pk}/credit/?year={credited['year']}")
    html = _table(page.content.decode())
    assert page.status_code == 200 and "学时证明" in html and "运营1" in html
    assert "消防演练" in html and "去年的课" not in html and "模块1" in html
    assert page.context["statement"].line.counted == Decimal("4.50")
    everything = client.get(f"/hr/learners/{person.pk}/credit/").context["statement"]
    assert everything.line.offline_total == Decimal("11.00")
    assert "运营0" not in html and "销售" not in html.replace("销售部", "")


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "year=-1"])
def test_certificate_of_credit_hours_refuses_a_bad_year(credited, client, query):
    assert client.get(f"/hr/learners/{credited['ops'][0].pk}/credit/?{query}").status_code == 400


def test_certificate_of_credit_hours_of_nobody_is_404(credited, client):
    assert client.get("/hr/learners/999999/credit/").status_code == 404


def test_certificate_of_credit_hours_as_pdf_embeds_its_chinese_font(credited, client):
    from tests.hr.pdfcheck import drawn_characters, embeds_truetype_fonts_only

    person = credited["ops"][1]
    response = client.get(f"/hr/learners/{person.pk}/credit/pdf/?year={credited['year']}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and embeds_truetype_fonts_only(response.content)
    drawn = drawn_characters(response.content)
    assert set("学时证明运营消防演练") <= drawn and not set("销售") & drawn
    assert client.get(f"/hr/learners/{person.pk}/credit/pdf/?year=x").status_code == 400


def test_reconcile_records_the_credit_of_a_completion_it_restores(course, learner_client, learner):
    from progress.models import ModuleProgress
    from progress.reconcile import progress_reconcile

    complete_module(learner_client, learner, 1, active_seconds=600)
    ModuleCredit.objects.all().delete()
    ModuleProgress.objects.filter(user=learner, module__slug="m-1-1").update(completed_at=None)
    report = progress_reconcile()
    assert any("completed_at None →" in line for line in report.differences)
    credit = ModuleCredit.objects.get(user=learner)
    assert credit.hours == Decimal("1.50")
    assert credit.completed_at == ModuleProgress.objects.get(user=learner, module__slug="m-1-1").completed_at
    assert progress_reconcile().differences == []
