"""/hr/audit/: HR only, filters by action, actor, target and dates (bad ones: 400 and why), exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from audit.services import audit_record
from hr.models import ExportLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/hr/audit/"


@pytest.fixture
def entries(db, hr_user):
    alice = UserFactory(email="alice@example.com", display_name="爱丽丝")
    bob = UserFactory(email="bob@example.com", display_name="鲍勃")
    # (the factory's role grants are in the log too, by the system)
    audit_record(actor=hr_user, action="cohort.create", target=alice, before={"roles": []}, after={"roles": ["hr"]})
    audit_record(actor=None, actor_label="directory sync (wecom)", action="directory.deactivate", target=bob)
    audit_record(actor=hr_user, action="cohort.member_remove", target=bob, reason="调岗")
    return {"alice": alice, "bob": bob}


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_only_hr_sees_the_log(client, entries, learner, trainer):
    assert client.get(URL).status_code == 302  # to the sign-in page
    for person in (learner, trainer):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.get(URL + "export/").status_code == 403
    assert not ExportLog.objects.exists()


def test_the_page_lists_who_did_what_to_whom(hr_client, entries):
    page = hr_client.get(URL).content.decode()
    assert "cohort.create" in page and "directory.deactivate" in page and "调岗" in page
    assert "爱丽丝 (alice@example.com)" in page and "directory sync (wecom)" in page
    assert "&quot;roles&quot;: [&quot;hr&quot;]" in page


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ({"action": "cohort."}, ["cohort.create", "cohort.member_remove"], ["directory.deactivate", "role.grant"]),
    ({"action": "directory.deactivate"}, ["directory.deactivate"], ["cohort.create", "role.grant"]),
    ({"actor": "hr@example.com"}, ["cohort.create", "cohort.member_remove"], ["directory.deactivate", "role.grant"]),
    ({"target": "BOB@"}, ["directory.deactivate", "cohort.member_remove"], ["cohort.create"]),
])
def test_filters_narrow_the_list(hr_client, entries, query, shown, hidden):
    response = hr_client.get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert all(f"<code>{a}</code>" in page for a in shown)
    assert not any(f"<code>{a}</code>" in page for a in hidden)


def test_the_date_range_includes_its_last_day(hr_client, entries):
    today = timezone.localdate()
    assert "cohort.create" in hr_client.get(URL, {"date_from": today, "date_to": today}).content.decode()
    later = hr_client.get(URL, {"date_from": today + timedelta(days=1)}).content.decode()
    assert "<code>cohort.create</code>" not in later


@pytest.mark.parametrize(("query", "message"), [
    ({"action": "role.delete_everything"}, "Select a valid choice"),
    ({"actor": "nobody@example.com"}, "Nobody has this email"),
    ({"date_from": "2026-13-01"}, "Enter a valid date"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "before its start"),
])
def test_bad_filters_are_a_400_that_says_why_and_show_nothing(hr_client, entries, query, message):
    hr_client.cookies["django_language"] = "en"
    response = hr_client.get(URL, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "<code>cohort.create</code>" not in page
    export = hr_client.get(URL + "export/", {**query, "format": "csv"})
    assert export.status_code == 400 and message in export.content.decode()
    assert not ExportLog.objects.exists()


def test_an_ambiguous_actor_names_the_candidates(hr_client, entries):
    UserFactory(email="z1@example.com", display_name="同名")
    UserFactory(email="z2@example.com", display_name="同名")
    hr_client.cookies["django_language"] = "en"
    response = hr_client.get(URL, {"actor": "同名"})
    assert response.status_code == 400 and "z1@example.com, z2@example.com" in response.content.decode()


def test_csv_export_has_exactly_the_filtered_entries_and_is_itself_audited(hr_client, entries, hr_user):
    response = hr_client.get(URL + "export/", {"action": "cohort.", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = rows(response)
    assert [line[2] for line in lines[1:]] == ["cohort.member_remove", "cohort.create"]
    assert lines[1][8] == "调岗"
    started = AuditEntry.objects.get(action="export.start")
    assert started.actor == hr_user
    assert started.after == {"kind": "audit_csv", "filters": {"action": "cohort."}, "rows": 2, "background": False}


def test_xlsx_export_opens_as_a_workbook(hr_client, entries):
    response = hr_client.get(URL + "export/", {"target": "alice", "action": "cohort.create", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][2] == "cohort.create" and values[1][5] == "爱丽丝 (alice@example.com)"


def test_unknown_export_format_is_a_400(hr_client, entries):
    assert hr_client.get(URL + "export/", {"format": "pdf"}).status_code == 400


def test_a_big_audit_export_runs_in_the_background(hr_client, entries, settings, tmp_path,
                                                   django_capture_on_commit_callbacks):
    settings.EXPORT_ASYNC_ROWS = 1
    settings.EXPORT_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.get(URL + "export/", {"action": "cohort.", "format": "csv"})
    assert response.status_code == 302
    log = ExportLog.objects.get(kind="audit_csv")
    assert log.finished_at is not None and log.row_count == 2
    with open(log.file, encoding="utf-8-sig") as handle:
        assert [row[2] for row in csv.reader(handle)][1:] == ["cohort.member_remove", "cohort.create"]
