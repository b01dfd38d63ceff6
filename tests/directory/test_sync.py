"""Directory reconcile against the stand-ins: people, departments (tree), managers, titles and
employee numbers; idempotence; leavers and returners; the safety limit; the command."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.management import CommandError, call_command

from accounts.models import Department, User
from directory.models import DirectoryEntry, SyncRun
from directory.services import SyncHeld, directory_sync
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def roomy_safety_limit(settings):
    """The fixture org has 8 active people: one leaver is 12.5%. The limit has its own tests."""
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.5


def sync(source: str, **kwargs):
    return directory_sync(source=source, **kwargs)


@pytest.mark.parametrize("source", ["wecom", "dingtalk", "feishu"])
def test_a_first_sync_maps_people_departments_managers_titles_and_numbers(db, source, request):
    request.getfixturevalue(f"{source}_standin")
    result = sync(source)
    lina = User.objects.get(email="lina@example.com")
    assert lina.display_name == "李娜" and lina.job_title == "华东运营经理" and lina.employee_no == "E0002"
    assert lina.department == "华东运营部" and lina.department_unit.parent.name == "运营中心"
    assert lina.manager.email == "zhangwei@example.com"
    assert User.objects.get(email="liuyang@example.com").manager == lina
    assert lina.has_role("learner") and not lina.has_usable_password()
    assert SocialAccount.objects.get(user=lina, provider=source).uid == "lina"
    # disabled, left and (DingTalk) removed people get no account
    assert not User.objects.filter(email__in=["zhaolei@example.com", "zhoujie@example.com"]).exists()
    assert result.run.status == SyncRun.Status.APPLIED and result.plan.summary()["create"] == User.objects.count()


def test_a_second_run_changes_nothing(db, wecom_standin):
    sync("wecom")
    before = list(User.objects.order_by("pk").values())
    again = sync("wecom")
    assert again.plan.changes == 0
    assert list(User.objects.order_by("pk").values()) == before


def test_the_department_tree_is_kept(db, wecom_standin):
    sync("wecom")
    training = Department.objects.get(source="wecom", external_id="6")
    assert training.name == "培训组" and training.parent.name == "人力资源部" and training.parent.parent.parent is None


def test_a_change_in_the_directory_is_applied(db, wecom_standin):
    sync("wecom")
    wecom_standin.users["liuyang"].update(position="运营主管", department=[4], direct_leader=["yangfan"])
    result = sync("wecom")
    liuyang = User.objects.get(email="liuyang@example.com")
    assert result.plan.summary()["update"] == 1
    assert (liuyang.job_title, liuyang.department, liuyang.manager.display_name) == ("运营主管", "华南运营部", "杨帆")


def test_existing_accounts_are_linked_by_directory_email_or_employee_number(db, wecom_standin):
    by_email = UserFactory(email="lina@example.com", display_name="旧名字")
    by_number = UserFactory(email="old-address@example.com", employee_no="E0004")  # 刘洋
    sync("wecom")
    assert DirectoryEntry.objects.get(source="wecom", external_id="lina").user == by_email
    assert DirectoryEntry.objects.get(source="wecom", external_id="liuyang").user == by_number
    by_email.refresh_from_db()
    assert by_email.display_name == "李娜"


def test_a_leaver_is_deactivated_and_keeps_the_account_and_a_returner_comes_back(db, wecom_standin):
    sync("wecom")
    lina = User.objects.get(email="lina@example.com")
    wecom_standin.users["lina"]["status"] = 5  # 已退出企业
    sync("wecom")
    lina.refresh_from_db()
    assert not lina.is_active and lina.left_at is not None
    wecom_standin.users["lina"]["status"] = 1
    sync("wecom")
    lina.refresh_from_db()
    assert lina.is_active and lina.left_at is None


def test_someone_removed_from_the_directory_is_a_leaver(db, wecom_standin):
    sync("wecom")
    del wecom_standin.users["liuyang"]
    result = sync("wecom")
    assert result.plan.summary()["deactivate"] == 1
    assert not User.objects.get(email="liuyang@example.com").is_active


def test_an_account_an_admin_switched_off_is_not_reactivated(db, wecom_standin):
    sync("wecom")
    User.objects.filter(email="lina@example.com").update(is_active=False)  # not a leaver: left_at empty
    sync("wecom")
    assert not User.objects.get(email="lina@example.com").is_active


def test_a_mass_deactivation_is_held_and_applied_only_when_confirmed(db, wecom_standin, settings):
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.10
    sync("wecom")
    active = User.objects.filter(is_active=True).count()
    for userid in ["lina", "liuyang"]:  # 2 of 7 active: a wrong scope, say
        del wecom_standin.users[userid]
    with pytest.raises(SyncHeld) as held:
        sync("wecom")
    assert held.value.run.status == SyncRun.Status.HELD and held.value.plan.summary()["deactivate"] == 2
    assert User.objects.filter(is_active=True).count() == active  # nothing written
    sync("wecom", confirm=True)
    assert User.objects.filter(is_active=True).count() == active - 2
    assert held.value.run.__class__.objects.get(pk=held.value.run.pk).status == SyncRun.Status.CONFIRMED


def test_dry_run_prints_the_changes_and_writes_nothing(db, wecom_standin, capsys):
    call_command("directory_sync", "--source", "wecom", "--dry-run")
    out = capsys.readouterr().out
    assert "+ lina 李娜 <lina@example.com> E0002" in out and "would change" in out
    assert not User.objects.exists()


def test_the_command_stops_on_the_safety_limit_and_says_how_to_confirm(db, wecom_standin, settings):
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.10
    call_command("directory_sync", "--source", "wecom")
    wecom_standin.users.clear()
    with pytest.raises(CommandError, match="--confirm"):
        call_command("directory_sync", "--source", "wecom")
    call_command("directory_sync", "--source", "wecom", "--confirm")
    assert not User.objects.filter(is_active=True).exists()


def test_the_command_reports_bad_credentials(db, wecom_standin, settings):
    settings.WECOM_SECRET = settings.WECOM_CONTACTS_SECRET = "wrong"
    with pytest.raises(CommandError, match="refused"):
        call_command("directory_sync", "--source", "wecom")


def test_leaving_and_returning_are_in_the_audit_log(db, wecom_standin):
    from audit.models import AuditEntry

    sync("wecom")
    wecom_standin.users["lina"]["status"] = 5
    sync("wecom")
    wecom_standin.users["lina"]["status"] = 1
    sync("wecom")
    entries = list(AuditEntry.objects.filter(action__in=["directory.deactivate", "directory.reactivate"])
                   .order_by("pk").values_list("action", "actor_label", "target_label"))
    assert [(a, actor) for a, actor, _ in entries] == [("directory.deactivate", "directory sync (wecom)"),
                                                       ("directory.reactivate", "directory sync (wecom)")]
    assert "李娜" in entries[0][2] or "lina@example.com" in entries[0][2]


def test_accounts_a_sync_creates_are_one_audit_entry_per_run(db, wecom_standin):
    from audit.models import AuditEntry

    sync("wecom")
    sync("wecom")  # nothing new: nothing recorded
    (entry,) = AuditEntry.objects.filter(action="directory.create")
    created = User.objects.filter(directory_entries__source="wecom")
    assert entry.actor_label == "directory sync (wecom)" and entry.after["roles"] == ["learner"]
    assert entry.after["created"] == created.count() and entry.after["users"] == sorted(u.pk for u in created)


def test_hr_confirms_a_held_sync_on_the_runs_page(client, db, wecom_standin, settings, hr_user, learner,
                                                  django_capture_on_commit_callbacks):
    from audit.models import AuditEntry

    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.10
    sync("wecom")
    wecom_standin.users.pop("lina"), wecom_standin.users.pop("liuyang")
    with pytest.raises(SyncHeld) as held:
        sync("wecom")
    client.force_login(learner)
    assert client.get("/directory/runs/").status_code == 403
    assert client.post(f"/directory/runs/{held.value.run.pk}/confirm/").status_code == 403
    client.force_login(hr_user)
    page = client.get("/directory/runs/").content.decode()
    assert "2" in page and f"/directory/runs/{held.value.run.pk}/confirm/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/directory/runs/{held.value.run.pk}/confirm/")
    assert response.status_code == 302
    assert not User.objects.get(email="lina@example.com").is_active
    assert AuditEntry.objects.filter(action="directory.sync_confirm", actor=hr_user).count() == 1
    assert client.post(f"/directory/runs/{held.value.run.pk}/confirm/").status_code == 404  # not held any more


def test_beat_chains_the_configured_syncs_and_then_the_cohorts(db, wecom_standin, settings, hr_user):
    from config.celery import directory_sync_then_cohorts
    from hr.services import cohort_create

    settings.DIRECTORY_SOURCES = ["wecom"]
    cohort_create(name="华东", members=[hr_user], created_by=hr_user, follows_departments=["华东运营部"])
    directory_sync_then_cohorts.delay()  # in-process here (no broker), in order
    from progress.models import Cohort

    members = set(Cohort.objects.get(name="华东").memberships.filter(left_at__isnull=True)
                  .values_list("user__email", flat=True))
    assert {"lina@example.com", "liuyang@example.com", "chenjing@example.com"} <= members
