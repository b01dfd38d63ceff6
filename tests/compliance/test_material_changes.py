"""Retraining by material change: exactly the people who learned the changed module on an earlier
text are sent back to exactly that module; editorial changes send nobody; forged ids are refused;
progress is never lost."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEntry
from courses.models import Module, ModuleRevision
from hr import services as hr_services
from progress.models import Certificate, ModuleProgress, Retraining
from tests.compliance.conftest import import_tree
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.progress.test_certificates import complete_course
from tests.quizhelpers import submit

EDIT = "/trainer/courses/test-course/m-1-2/edit/"
CHANGED_LINE = "模块 m-1-2 的正文，现在要求双人复核。"


def completed(user, slugs, when):
    for slug in slugs:
        ModuleProgress.objects.create(user=user, module=Module.objects.get(slug=slug), first_viewed_at=when,
                                      last_viewed_at=when, read_at=when, passed_at=when, completed_at=when,
                                      best_score=100)


@pytest.fixture
def people(client, imported_course):
    """certified: the whole course; partial: module 2 only; other: module 1 only; new: nothing;
    leaver: module 2, then left."""
    earlier = timezone.now() - timedelta(days=20)
    certified = UserFactory(email="certified@example.com")
    client.force_login(certified)
    with time_machine.travel(earlier):
        complete_course(client, certified)
    partial, other, new = (UserFactory(email=f"{n}@example.com") for n in ("partial", "other", "new"))
    leaver = UserFactory(email="leaver@example.com", is_active=False, left_at=earlier)
    completed(partial, ["m-1-2"], earlier)
    completed(other, ["m-1-1"], earlier)
    completed(leaver, ["m-1-2"], earlier)
    client.logout()
    return {"certified": certified, "partial": partial, "other": other, "new": new, "leaver": leaver}


def publish(client, trainer, *, change: str, reason: str = "", replace=("模块 m-1-2 的正文。", CHANGED_LINE)):
    module = Module.objects.get(slug="m-1-2")
    client.force_login(trainer)
    return client.post(EDIT, {"text": module.source.replace(*replace), "action": "publish",
                              "base": module.revisions.order_by("-number").first().pk,
                              "change": change, "change_reason": reason})


def assign(client, hr_user, revision, due=None):
    client.force_login(hr_user)
    due = due or timezone.localdate() + timedelta(days=14)
    return client.post(f"/hr/retraining/{revision.pk}/assign/", {"due_date": due.isoformat()})


def test_a_material_change_is_recorded_with_its_reason_and_audited(client, trainer, people):
    assert publish(client, trainer, change="material", reason="新增双人复核要求").status_code == 302
    revision = ModuleRevision.objects.filter(module__slug="m-1-2").order_by("-number").first()
    assert (revision.change, revision.change_reason) == ("material", "新增双人复核要求")
    entry = AuditEntry.objects.get(action="content.publish")
    assert entry.actor == trainer and entry.reason == "新增双人复核要求" and entry.after["change"] == "material"


@pytest.mark.parametrize(("change", "reason", "error"), [
    ("", "", "发布前请选择这次修改是实质性修改还是编辑性修改"),
    ("material", "  ", "请简要说明已获证的人需要重新学习什么"),
    ("important", "x", "important"),
])
def test_publishing_needs_a_choice_and_a_material_change_a_reason(client, trainer, people, change, reason, error):
    before = ModuleRevision.objects.count()
    response = publish(client, trainer, change=change, reason=reason)
    assert response.status_code == 400 and error in response.content.decode()
    assert ModuleRevision.objects.count() == before and CHANGED_LINE not in Module.objects.get(slug="m-1-2").source


def test_hr_assigns_exactly_the_affected_learners_to_exactly_that_module(client, trainer, hr_user, people):
    publish(client, trainer, change="material", reason="新增双人复核要求")
    revision = ModuleRevision.objects.get(change="material")
    client.force_login(hr_user)
    page = client.get("/hr/retraining/").content.decode()
    assert "新增双人复核要求" in page and "<td data-waiting>2</td>" in page
    assert assign(client, hr_user, revision).status_code == 302
    rows = Retraining.objects.select_related("module", "user")
    assert {(r.user.email, r.module.slug) for r in rows} == {("certified@example.com", "m-1-2"),
                                                             ("partial@example.com", "m-1-2")}
    assert {(r.reason, r.from_course_revision, r.to_course_revision) for r in rows} == {("content_change", 1, 2)}
    assert all(r.learned_revision.number == 1 and r.assigned_by == hr_user for r in rows)
    assert AuditEntry.objects.get(action="retraining.assign").after["assigned"] == 2
    assert assign(client, hr_user, revision).status_code == 302
    assert Retraining.objects.count() == 2, "assigning again adds nobody twice"


def test_an_editorial_change_affects_nobody(client, trainer, hr_user, people, django_capture_on_commit_callbacks):
    from courses.models import Course

    Course.objects.filter(slug="test-course").update(retrain="auto")
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(client, trainer, change="editorial").status_code == 302
    assert ModuleRevision.objects.filter(module__slug="m-1-2").order_by("-number").first().change == "editorial"
    client.force_login(hr_user)
    assert "尚未发布任何实质性修改" in client.get("/hr/retraining/").content.decode()
    assert not Retraining.objects.exists()


def test_a_course_rule_assigns_on_its_own(client, trainer, people, django_capture_on_commit_callbacks):
    from courses.models import Course

    Course.objects.filter(slug="test-course").update(retrain="auto", retrain_within="10 days")
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, trainer, change="material", reason="流程变了")
    rows = Retraining.objects.all()
    assert {r.user.email for r in rows} == {"certified@example.com", "partial@example.com"}
    assert {r.due_date for r in rows} == {timezone.localdate() + timedelta(days=10)}
    assert {r.assigned_by for r in rows} == {None}


def test_forged_or_editorial_ids_and_other_roles_are_refused(client, trainer, hr_user, learner, people):
    publish(client, trainer, change="editorial")
    editorial = ModuleRevision.objects.get(change="editorial")
    assert assign(client, hr_user, editorial).status_code == 404
    assert client.post("/hr/retraining/999999/assign/", {"due_date": "2030-01-01"}).status_code == 404
    publish(client, trainer, change="material", reason="流程变了", replace=(CHANGED_LINE, "再改一次。"))
    material = ModuleRevision.objects.get(change="material")
    for person in (learner, trainer):
        client.force_login(person)
        assert client.post(f"/hr/retraining/{material.pk}/assign/", {"due_date": "2030-01-01"}).status_code == 403
    response = assign(client, hr_user, material, due=timezone.localdate() - timedelta(days=1))
    assert response.status_code == 302 and not Retraining.objects.exists()


def test_the_learner_sees_what_changed_relearns_it_and_is_restamped(client, trainer, hr_user, people):
    certified = people["certified"]
    before = {p.module_id: (p.completed_at, p.best_score, p.active_seconds) for p in certified.module_progress.all()}
    publish(client, trainer, change="material", reason="新增双人复核要求")
    assign(client, hr_user, ModuleRevision.objects.get(change="material"))
    client.force_login(certified)
    page = client.get("/courses/test-course/m-1-2/").content.decode()
    assert "你学习之后的变化" in page and CHANGED_LINE in page and "模块 m-1-2 的正文。" in page
    assert "[x]" not in page.split("你学习之后的变化")[1].split("</table>")[0], "the diff never shows answers"
    submit(client, certified, right=True, url="/courses/test-course/m-1-2/quiz/")
    client.post("/courses/test-course/m-1-2/read/")
    assert client.get("/courses/test-course/m-1-1/").content.decode().count("data-retraining") == 0
    row = Retraining.objects.get(user=certified)
    assert row.completed_at is not None
    certificate = Certificate.objects.get(user=certified)
    assert certificate.course_revision == 2 and certificate.valid_until is None
    after = {p.module_id: (p.completed_at, p.best_score, p.active_seconds) for p in certified.module_progress.all()}
    assert after.keys() == before.keys()
    assert all(after[m][:2] == before[m][:2] for m in before), "the first completion and best score stay"


def test_hr_sees_needs_retraining_per_person_and_per_cohort(client, trainer, hr_user, people):
    publish(client, trainer, change="material", reason="新增双人复核要求")
    assign(client, hr_user, ModuleRevision.objects.get(change="material"))
    cohort = hr_services.cohort_create(name="复训组", members=[people["certified"], people["other"]],
                                       created_by=hr_user)
    client.force_login(hr_user)
    expected = "需要复训《测试课程》：课程版本 1 → 2，模块 2"
    assert expected in client.get(f"/hr/learners/{people['certified'].pk}/").content.decode()
    assert expected not in client.get(f"/hr/learners/{people['other'].pk}/").content.decode()
    page = client.get(f"/hr/cohorts/{cohort.pk}/").content.decode()
    assert page.count("data-retraining-need") == 1 and "certified" in page.split("data-retraining-need")[1]


def test_an_import_from_files_can_mark_a_change_material(db, course_dir, imported_files, capsys):
    path = module_file(course_dir, 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("模块 m-1-2 的正文。", CHANGED_LINE), encoding="utf-8")
    other = module_file(course_dir, 1, 3)
    other.write_text(other.read_text(encoding="utf-8").replace("的正文。", "的正文（错别字）。"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent), "--material", "test-course/m-1-2",
                 "--reason", "新增双人复核要求")
    changes = dict(ModuleRevision.objects.exclude(change="").values_list("module__slug", "change"))
    assert changes == {"m-1-2": "material", "m-1-3": "editorial"}
    assert ModuleRevision.objects.get(change="material").change_reason == "新增双人复核要求"
    assert AuditEntry.objects.filter(action="content.publish", actor_label="import_content").count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--material", "test-course/m-1-2"], "--material needs --reason"),
    (["--material", "test-course/m-1-1", "--reason", "x"], "--material test-course/m-1-1: this import does not"),
    (["--material", "test-course/nope", "--reason", "x"], "--material test-course/nope: this import does not"),
])
def test_a_material_flag_that_cannot_apply_writes_nothing(db, course_dir, imported_files, capsys, args, message):
    path = module_file(course_dir, 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("模块 m-1-2 的正文。", CHANGED_LINE), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_content", str(course_dir.parent), *args)
    assert message in str(error.value) + capsys.readouterr().err
    assert CHANGED_LINE not in Module.objects.get(slug="m-1-2").source
    assert not ModuleRevision.objects.exclude(change="").exists()


@pytest.fixture
def imported_files(course_dir):
    return import_tree(course_dir)


def test_a_material_flag_that_cannot_apply_is_told_in_the_reader_language(db, course_dir, imported_files):
    from django.utils import translation

    from courses.services import ContentInvalid, content_import

    with pytest.raises(ContentInvalid) as error:
        content_import(root=course_dir.parent, material=frozenset({"test-course/m-1-1"}), reason="x")
    (problem,) = error.value.problems
    assert problem.message.startswith("--material test-course/m-1-1: this import does not change that module")
    with translation.override("zh-hans"):
        assert problem.localised() == ("--material test-course/m-1-1：这次导入不会改变该模块"
                                       "（它没有改动、是新模块或不在这些文件中）")
    with translation.override("en"):
        assert problem.localised() == problem.message
