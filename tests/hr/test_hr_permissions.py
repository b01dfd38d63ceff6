"""Only HR reaches HR pages; nobody reaches another learner's data through an id."""

import pytest

from progress.models import Enrollment


def hr_urls(org) -> list[tuple[str, str]]:
    cohort, assignment = org["cohort"], org["assignment"]
    enrollment = Enrollment.objects.first()
    learner_id = org["ops"][0].pk
    return [
        ("get", "/hr/"), ("get", f"/hr/matrix/?course={org['course'].pk}"), ("get", f"/hr/learners/{learner_id}/"),
        ("get", "/hr/export/?kind=summary_csv"), ("get", "/hr/exports/"), ("get", "/hr/exports/bad-token/"),
        ("get", "/hr/cohorts/"), ("get", "/hr/cohorts/new/"), ("get", f"/hr/cohorts/{cohort.pk}/"),
        ("post", f"/hr/cohorts/{cohort.pk}/assign/"), ("post", f"/hr/assignments/{assignment.pk}/withdraw/"),
        ("post", f"/hr/cohorts/{cohort.pk}/members/{learner_id}/remove/"),
        ("post", f"/hr/enrollments/{enrollment.pk}/extend/"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    for method, url in hr_urls(org):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_get_403_everywhere(client, org, role, learner, trainer):
    client.force_login({"learner": learner, "trainer": trainer}[role])
    for method, url in hr_urls(org):
        assert getattr(client, method)(url).status_code == 403, url
    assert Enrollment.objects.filter(unassigned_at__isnull=False).count() == 0


def test_hr_reaches_every_page(hr_client, org):
    for method, url in hr_urls(org):
        if method == "get" and "bad-token" not in url:
            assert hr_client.get(url).status_code == 200, url
    assert hr_client.get("/hr/exports/bad-token/").status_code == 404
    assert hr_client.get("/hr/learners/999999/").status_code == 404


def test_learner_urls_never_show_someone_elses_data(client, org):
    from progress.models import Certificate
    from progress.services import certificate_issue
    from quizzes.models import QuestionResult

    owner, other = org["ops"][0], org["ops"][2]
    certificate = certificate_issue(user=owner, course=org["course"])
    assert isinstance(certificate, Certificate)
    question = org["modules"][0].quiz.questions.first()
    result = QuestionResult.objects.create(user=owner, question=question, last_correct=False, wrong_count=1)
    client.force_login(other)
    assert client.get(f"/certificates/{certificate.code}/").status_code == 404
    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 404
    assert client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "a"}).status_code == 404
    assert owner.email not in client.get("/me/").content.decode()
    assert owner.email not in client.get("/me/mistakes/").content.decode()
