"""403, 404 and a refused CSRF token are our own pages, in the site's language, with a way back."""

import pytest
from django.conf import settings
from django.test import Client


def assert_branded(page: str, language: str = "zh-hans") -> None:
    assert f'<html lang="{language}">' in page
    assert 'name="viewport" content="width=device-width' in page
    assert 'class="site-header"' in page and 'href="/"' in page


def test_a_learner_in_the_trainer_area_is_told_which_area_and_why(learner_client):
    response = learner_client.get("/trainer/")
    page = response.content.decode()
    assert response.status_code == 403
    assert_branded(page)
    assert "没有权限访问讲师工作台" in page and "联系 HR" in page and "我的学习" in page
    assert "403 Forbidden" not in page


def test_a_learner_in_the_hr_area_in_english(learner_client):
    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = learner_client.get("/hr/")
    page = response.content.decode()
    assert response.status_code == 403
    assert_branded(page, "en")
    assert "You have no access to the HR pages" in page and "没有" not in page


def test_a_trainer_is_refused_the_hr_pages_but_not_the_trainer_area(client, trainer):
    client.force_login(trainer)
    assert client.get("/trainer/").status_code == 200
    assert "没有权限访问 HR 页面" in client.get("/hr/").content.decode()


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_missing_page_is_a_branded_404(client, learner, signed_in):
    if signed_in:
        client.force_login(learner)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert_branded(page)
    assert "页面不存在" in page and "返回课程目录" in page
    assert ("我的学习" in page) is signed_in and ("/accounts/login/?next=/no-such-page/" in page) is not signed_in


def test_someone_elses_certificate_is_the_same_404_as_a_missing_one(learner_client):
    page = learner_client.get("/certificates/AAAA-BBBB-CCCC/").content.decode()
    assert "页面不存在" in page and "No Certificate matches" not in page


def test_a_refused_csrf_token_gets_our_page(learner, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post("/me/mistakes/1/retry/", {"answer": "a"})
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in page and "表单已过期" in page and "CSRF" not in page
