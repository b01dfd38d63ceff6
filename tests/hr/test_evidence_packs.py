"""Evidence packs: per learner or cohort, PDF and XLSX; only their people; a SHA-256 and a
verification address inside; a copy verifies and a tampered one does not."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from hr import services
from hr.evidence import evidence_gather
from hr.models import EvidencePack
from progress.models import Certificate
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.hr.credit_setup import complete_module, import_credit_course
from tests.hr.pdfcheck import drawn_characters, embeds_truetype_fonts_only


@pytest.fixture
def packs(db, tmp_path, client, hr_user):
    course = import_credit_course(tmp_path / "content")
    ann = UserFactory(email="ann@example.com", display_name="安妮", department="运营部", employee_no="E100")
    bob = UserFactory(email="bob@example.com", display_name="鲍勃", department="运营部")
    eve = UserFactory(email="eve@example.com", display_name="伊芙", department="销售部")
    client.force_login(ann)
    for number in (1, 2, 3):
        complete_module(client, ann, number, active_seconds=900)
    client.force_login(bob)
    complete_module(client, bob, 1, active_seconds=60)
    client.force_login(eve)
    complete_module(client, eve, 2, active_seconds=120)
    cohort = services.cohort_create(name="合规营", members=[ann, bob, eve], created_by=hr_user)
    services.cohort_member_remove(cohort=cohort, user=eve)
    client.force_login(hr_user)
    return {"course": course, "ann": ann, "bob": bob, "eve": eve, "cohort": cohort, "root": tmp_path / "content"}


def download(client, url: str, file_format: str):
    response = client.post(url, {"format": file_format})
    assert response.status_code == 200, response.content[:200]
    return response


def workbook_rows(content: bytes) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


def verify(client, code: str, content: bytes) -> str:
    page = client.post(f"/evidence/verify/{code}/", {"file": SimpleUploadedFile("pack.bin", content)})
    assert page.status_code == 200
    return re.search(r'data-verified="(\w+)"', page.content.decode()).group(1)


def test_learner_pack_xlsx_has_the_right_record_and_digest(packs, client, hr_user):
    ann = packs["ann"]
    response = download(client, f"/hr/learners/{ann.pk}/evidence/", "xlsx")
    pack = EvidencePack.objects.get()
    rows = workbook_rows(response.content)
    head = " ".join(str(r[0]) for r in rows[:5])
    assert pack.code in head and pack.content_sha256 in head and f"/evidence/verify/{pack.code}/" in head
    header_index = next(i for i, r in enumerate(rows) if r[0] == "姓名")
    columns = rows[header_index]
    body = [dict(zip(columns, r, strict=False)) for r in rows[header_index + 1:]]
    assert [r["模块"] for r in body] == ["模块1", "模块2", "模块3"] and {r["姓名"] for r in body} == {"安妮"}
    first = body[0]
    certificate = Certificate.objects.get(user=ann)
    assert first["所学版本"].startswith("#1 (sha256 ") and first["证书编号"] == certificate.code
    assert first["证书有效期至"] == "长期有效" and first["证书状态"] == "有效"
    assert first["模块完成日期"].date() == timezone.localdate() and first["有效学习时长（分钟）"] == 15
    assert (first["学时"], first["测验次数"], first["最佳得分"], first["是否通过"]) == (1.5, 1, 100, "是")
    assert first["此后发布的修订"] is None
    entry = AuditEntry.objects.get(action="evidence.generate")
    assert (entry.actor, entry.target_id, entry.after["code"]) == (hr_user, str(ann.pk), pack.code)


@pytest.mark.parametrize("file_format", ["pdf", "xlsx"])
def test_a_copy_verifies_and_one_flipped_byte_does_not(packs, client, file_format):
    content = download(client, f"/hr/learners/{packs['ann'].pk}/evidence/", file_format).content
    pack = EvidencePack.objects.get()
    assert verify(client, pack.code, content) == "yes"
    for position in (len(content) // 2, len(content) - 1):
        tampered = bytearray(content)
        tampered[position] ^= 0x01
        assert verify(client, pack.code, bytes(tampered)) == "no"
    client.logout()  # an auditor without an account
    assert verify(client, pack.code, content) == "yes"
    digest = client.post(f"/evidence/verify/{pack.code}/", {"sha256": pack.file_sha256.upper()})
    assert 'data-verified="yes"' in digest.content.decode()
    assert 'data-verified="no"' in client.post(f"/evidence/verify/{pack.code}/", {"sha256": "0" * 64}).content.decode()
    assert 'data-verified="no"' in client.post(f"/evidence/verify/{pack.code}/", {"sha256": "x"}).content.decode()


def test_a_pack_does_not_verify_under_another_packs_code(packs, client):
    first = download(client, f"/hr/learners/{packs['ann'].pk}/evidence/", "xlsx").content
    download(client, f"/hr/learners/{packs['bob'].pk}/evidence/", "xlsx")
    other = EvidencePack.objects.get(learner=packs["bob"])
    assert verify(client, other.code, first) == "no"


def test_unknown_codes_are_404(packs, client):
    assert client.get("/evidence/verify/NOPE-NOPE/").status_code == 404
    assert client.post("/evidence/verify/NOPE-NOPE/", {"sha256": "0" * 64}).status_code == 404


def test_pdf_pack_embeds_its_font_and_holds_only_its_learner(packs, client):
    content = download(client, f"/hr/learners/{packs['bob'].pk}/evidence/", "pdf").content
    assert content.startswith(b"%PDF") and embeds_truetype_fonts_only(content)
    drawn = drawn_characters(content)
    assert set("鲍勃培训证据包") <= drawn and not set("安妮伊芙") & drawn


def test_cohort_pack_holds_the_current_members_only(packs, client):
    rows = workbook_rows(download(client, f"/hr/cohorts/{packs['cohort'].pk}/evidence/", "xlsx").content)
    header_index = next(i for i, r in enumerate(rows) if r[0] == "姓名")
    names = [r[0] for r in rows[header_index + 1:]]
    assert names == ["安妮"] * 3 + ["鲍勃"] * 3  # a row per module; 伊芙 left the cohort, nobody else is in it
    pack = EvidencePack.objects.get()
    assert (pack.subject, pack.cohort, pack.subject_label) == ("cohort", packs["cohort"], "合规营（2 人）")


def test_changes_published_since_completion_are_listed(packs, client):
    path = module_file(packs["root"] / "test-course", 1, 1)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        path.write_text(path.read_text(encoding="utf-8").replace("的正文。", "的正文，已修订。"), encoding="utf-8")
        call_command("import_content", str(packs["root"]))
    rows = workbook_rows(download(client, f"/hr/learners/{packs['ann'].pk}/evidence/", "xlsx").content)
    header_index = next(i for i, r in enumerate(rows) if r[0] == "姓名")
    first = dict(zip(rows[header_index], rows[header_index + 1], strict=False))
    assert first["所学版本"].startswith("#1 ") and first["此后发布的修订"].startswith("#2 ")


def test_bad_format_is_400_and_records_nothing(packs, client):
    assert client.post(f"/hr/learners/{packs['ann'].pk}/evidence/", {"format": "docx"}).status_code == 400
    assert client.post(f"/hr/learners/{packs['ann'].pk}/evidence/").status_code == 400
    assert not EvidencePack.objects.exists() and not AuditEntry.objects.filter(action="evidence.generate").exists()


def test_forged_ids_are_404(packs, client):
    assert client.post("/hr/learners/999999/evidence/", {"format": "pdf"}).status_code == 404
    assert client.post("/hr/cohorts/999999/evidence/", {"format": "pdf"}).status_code == 404
    assert client.get(f"/hr/learners/{packs['ann'].pk}/evidence/").status_code == 405
    assert not EvidencePack.objects.exists()


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_packs_are_hr_only(packs, client, role, learner, trainer):
    client.force_login({"learner": learner, "trainer": trainer}[role])
    for url in (f"/hr/learners/{packs['ann'].pk}/evidence/", f"/hr/cohorts/{packs['cohort'].pk}/evidence/"):
        assert client.post(url, {"format": "pdf"}).status_code == 403
    client.force_login(packs["ann"])  # not even one's own pack: HR hands them out
    assert client.post(f"/hr/learners/{packs['ann'].pk}/evidence/", {"format": "pdf"}).status_code == 403
    assert not EvidencePack.objects.exists()


def test_a_file_too_big_to_upload_or_an_empty_check_says_so(packs, client, settings):
    content = download(client, f"/hr/learners/{packs['ann'].pk}/evidence/", "pdf").content
    pack = EvidencePack.objects.get()
    settings.FILE_UPLOAD_MAX_BYTES = len(content) - 1
    page = client.post(f"/evidence/verify/{pack.code}/", {"file": SimpleUploadedFile("pack.pdf", content)})
    html = page.content.decode()
    assert page.status_code == 400 and "data-verified" not in html
    assert "sha256sum" in page.context["error"] and page.context["error"] in html
    empty = client.post(f"/evidence/verify/{pack.code}/", {"sha256": "  "})
    assert empty.status_code == 400 and "data-verified" not in empty.content.decode() and empty.context["error"]


def test_course_active_time_is_the_sum_of_its_modules_even_before_the_rollup_catches_up(packs):
    gathered = evidence_gather([packs["bob"]])
    course = gathered[0].courses[0]
    assert [m.active_seconds for m in course.modules] == [60, 0, 0] and course.active_seconds == 60
    assert course.certificate is None and [m.revision != "" for m in course.modules] == [True, False, False]


def test_a_pack_too_big_to_draw_in_time_is_refused_with_a_message(packs, client, settings):
    settings.EVIDENCE_MAX_ROWS = 5  # the cohort's pack has 6 module rows
    response = client.post(f"/hr/cohorts/{packs['cohort'].pk}/evidence/", {"format": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/hr/cohorts/{packs['cohort'].pk}/"
    assert any("6" in str(m) and "5" in str(m) for m in response.context["messages"])
    assert not EvidencePack.objects.exists() and not AuditEntry.objects.filter(action="evidence.generate").exists()
    assert client.post(f"/hr/learners/{packs['ann'].pk}/evidence/", {"format": "pdf"}).status_code == 200
