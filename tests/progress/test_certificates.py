"""Completing every required module issues one certificate, printable, downloadable, verifiable."""

import pytest

from progress.models import Certificate
from tests.quizhelpers import submit


def complete_course(client, user):
    for n in (1, 2, 3):
        url = f"/courses/test-course/m-1-{n}/"
        submit(client, user, right=True, url=url + "quiz/")
        client.post(url + "read/")


@pytest.fixture
def certificate(learner_client, learner, imported_course):
    complete_course(learner_client, learner)
    return Certificate.objects.get(user=learner)


def test_no_certificate_before_every_required_module_is_complete(learner_client, learner, imported_course):
    submit(learner_client, learner, right=True)
    learner_client.post("/courses/test-course/m-1-1/read/")
    assert not Certificate.objects.exists()


def test_completing_the_course_issues_one_certificate(learner_client, learner, certificate):
    assert certificate.course_title == "测试课程" and certificate.learner_name == learner.name
    assert len(certificate.code) == 14
    complete_course(learner_client, learner)
    assert Certificate.objects.count() == 1
    assert "查看结业证书" in learner_client.get("/me/").content.decode()


def test_printable_page_and_pdf(learner_client, certificate):
    page = learner_client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "结业证书" in page and certificate.code in page and "测试课程" in page
    pdf = learner_client.get(f"/certificates/{certificate.code}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f"certificate-{certificate.code}.pdf" in pdf["Content-Disposition"]


def test_other_learners_cannot_open_someone_elses_certificate(client, certificate, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="else@example.com"))
    assert client.get(f"/certificates/{certificate.code}/").status_code == 404
    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 404


def test_public_verification_confirms_and_reveals_nothing_else(client, certificate, learner):
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "这张证书真实有效" in page and certificate.learner_name in page and "测试课程" in page
    assert learner.email not in page and learner.department not in page
    missing = client.get("/verify/AAAA-BBBB-CCCC/")
    assert missing.status_code == 404 and "没有验证码为" in missing.content.decode()
