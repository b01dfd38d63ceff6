"""Cohorts from departments, a manager's team or an uploaded list; assignments; extensions."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from hr.models import DueDateExtension
from progress.models import Cohort, Enrollment


def create(client, **data):
    return client.post("/hr/cohorts/new/", {"description": "", **data})


def test_cohort_from_departments_and_from_a_managers_team(hr_client, org):
    response = create(hr_client, name="销售团队", source="departments", departments=["销售部"])
    assert response.status_code == 302
    assert set(Cohort.objects.get(name="销售团队").memberships.values_list("user__email", flat=True)) == {
        "sales0@example.com", "sales1@example.com"}
    create(hr_client, name="老板的团队", source="manager", manager=org["boss"].pk)
    assert Cohort.objects.get(name="老板的团队").memberships.count() == 3


def test_cohort_from_an_uploaded_csv(hr_client, org):
    data = "email\nops0@example.com\n SALES1@example.com \n".encode("utf-8-sig")
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    response = create(hr_client, name="上传组", source="upload", upload=upload)
    assert response.status_code == 302
    assert Cohort.objects.get(name="上传组").memberships.count() == 2


def test_upload_with_bad_rows_reports_each_row_and_creates_nothing(hr_client, org):
    book = Workbook()
    sheet = book.active
    for value in ["邮箱", "ops0@example.com", "ghost@example.com", "not-an-email", "ops0@example.com"]:
        sheet.append([value])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("list.xlsx", buffer.getvalue())
    response = create(hr_client, name="坏名单", source="upload", upload=upload)
    page = response.content.decode()
    assert response.status_code == 400
    assert "3 行没有匹配到人员，因此没有创建任何内容" in page
    assert "没有使用此邮箱的有效账号" in page and "不是邮箱地址" in page and "与第 2 行的邮箱重复" in page
    assert not Cohort.objects.filter(name="坏名单").exists()


def test_unreadable_upload_and_missing_choices_are_explained(hr_client, org):
    upload = SimpleUploadedFile("list.pdf", b"%PDF-1.4")
    page = create(hr_client, name="x", source="upload", upload=upload).content.decode()
    assert "请上传 .csv 或 .xlsx 文件" in page
    page = create(hr_client, name="x", source="departments").content.decode()
    assert "按这种方式选择成员时必填" in page
    page = create(hr_client, name="新人营", source="departments", departments=["销售部"]).content.decode()
    assert "已有同名的学员组" in page


def test_assignment_enrols_members_with_the_due_date(org):
    enrollments = Enrollment.objects.filter(assignment=org["assignment"])
    assert enrollments.count() == 5
    assert set(enrollments.values_list("due_date", flat=True)) == {org["assignment"].due_date}


def test_assigning_keeps_an_existing_self_enrolment_and_its_progress(hr_client, org, learner, imported_course):
    from progress.services import enrollment_ensure

    own = enrollment_ensure(user=learner, course=imported_course)
    cohort = Cohort.objects.get(name="新人营")
    cohort.memberships.create(user=learner)
    hr_client.post(f"/hr/assignments/{org['assignment'].pk}/withdraw/")
    due = timezone.localdate() + timedelta(days=20)
    hr_client.post(f"/hr/cohorts/{cohort.pk}/assign/", {"course": imported_course.pk, "due_date": due})
    own.refresh_from_db()
    assert own.due_date == due and own.source == "assigned" and own.unassigned_at is None


def test_withdrawing_keeps_history_but_leaves_reports(hr_client, org):
    response = hr_client.post(f"/hr/assignments/{org['assignment'].pk}/withdraw/", follow=True)
    assert "5 名学员的指派已撤回" in response.content.decode()
    assert Enrollment.objects.filter(unassigned_at__isnull=False).count() == 5
    assert "没有符合筛选条件的报名记录" in hr_client.get("/hr/").content.decode()


def test_due_date_in_the_past_is_refused(hr_client, org):
    cohort = org["cohort"]
    yesterday = timezone.localdate() - timedelta(days=1)
    response = hr_client.post(f"/hr/cohorts/{cohort.pk}/assign/",
                              {"course": org["course"].pk, "due_date": yesterday}, follow=True)
    assert "截止日期不能早于今天" in response.content.decode()


def test_extension_needs_a_reason_and_a_later_date(hr_client, org, hr_user):
    enrollment = Enrollment.objects.get(user=org["sales"][0])
    later = enrollment.due_date + timedelta(days=7)
    page = hr_client.post(f"/hr/enrollments/{enrollment.pk}/extend/", {"new_due_date": later, "reason": ""},
                          follow=True).content.decode()
    assert "请填写新的截止日期和原因" in page
    page = hr_client.post(f"/hr/enrollments/{enrollment.pk}/extend/",
                          {"new_due_date": enrollment.due_date, "reason": "出差"}, follow=True).content.decode()
    assert "新的截止日期必须晚于当前截止日期" in page
    hr_client.post(f"/hr/enrollments/{enrollment.pk}/extend/", {"new_due_date": later, "reason": "出差两周"})
    enrollment.refresh_from_db()
    assert enrollment.due_date == later
    extension = DueDateExtension.objects.get()
    assert (extension.reason, extension.granted_by) == ("出差两周", hr_user)
    assert "出差两周" in hr_client.get(f"/hr/learners/{enrollment.user_id}/").content.decode()


def test_removing_a_member_ends_their_assignment_but_keeps_progress(hr_client, org):
    ops1 = org["ops"][1]
    hr_client.post(f"/hr/cohorts/{org['cohort'].pk}/members/{ops1.pk}/remove/")
    assert Enrollment.objects.get(user=ops1).unassigned_at is not None
    assert ops1.module_progress.count() == 1


def test_an_hr_error_is_told_in_the_reader_language(hr_client, org):
    taken = {"name": "新人营", "source": "departments", "departments": ["销售部"]}
    hr_client.cookies["django_language"] = "en"
    page = create(hr_client, **taken).content.decode()
    assert "A cohort with this name already exists." in page and "已有同名的学员组" not in page
    hr_client.cookies["django_language"] = "zh-hans"
    page = create(hr_client, **taken).content.decode()
    assert "已有同名的学员组" in page and "A cohort with this name already exists." not in page
