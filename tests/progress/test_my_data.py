"""A learner downloads their own data (JSON and PDF) from their profile: all of theirs, none of
anyone else's; the retention periods are stated on a public page linked from every footer."""

import json
import shutil
import subprocess

import pytest

from progress.models import Reflection
from tests.factories import UserFactory
from tests.quizhelpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_learners(client, imported_course):
    module = imported_course.modules.get(slug="m-1-1")
    me = UserFactory(email="me@example.com", display_name="我自己", employee_no="E001")
    other = UserFactory(email="other@example.com", display_name="别人", employee_no="E002")
    for person in (other, me):
        client.force_login(person)
        submit(client, person, right=person is me)
        Reflection.objects.create(user=person, module=module, key="plan", text=f"{person.display_name}的秘密计划")
    return me, other


def test_the_json_has_my_records_and_nothing_of_anyone_else(client, two_learners):
    me, _other = two_learners
    client.force_login(me)
    response = client.get("/me/data.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="ops-academy-my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == "me@example.com" and data["profile"]["employee_no"] == "E001"
    assert [e["course"] for e in data["enrolments"]] == ["测试课程"]
    (attempt,) = data["quiz_attempts"]
    assert attempt["score"] == 100 and attempt["passed"] is True and attempt["answers"]
    assert [r["text"] for r in data["reflections"]] == ["我自己的秘密计划"]
    text = response.content.decode()
    assert "other@example.com" not in text and "别人" not in text and "E002" not in text


def test_the_pdf_is_a_pdf_of_my_data(client, two_learners):
    response = client.get("/me/data.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith('.pdf"')


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_the_pdf_embeds_its_font_and_its_text_extracts(client, two_learners, tmp_path):
    path = tmp_path / "my-data.pdf"
    path.write_bytes(client.get("/me/data.pdf").content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), rows
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "我自己" in text and "别人" not in text


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for url in ("/me/data.json", "/me/data.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_profile_links_the_downloads(client, two_learners):
    page = client.get("/accounts/profile/").content.decode()
    assert 'href="/me/data.json"' in page and 'href="/me/data.pdf"' in page


def test_the_retention_page_states_the_periods_and_every_footer_links_it(client, db, settings):
    settings.RETENTION_REFLECTIONS_DAYS = 365
    settings.RETENTION_LEAVERS_DAYS = 0
    client.cookies["django_language"] = "en"
    page = client.get("/privacy/retention/").content.decode()
    assert "365 days" in page and "No limit" in page
    assert f"{settings.AUDIT_RETENTION_DAYS} days" in page
    assert 'href="/privacy/retention/"' in client.get("/").content.decode()
