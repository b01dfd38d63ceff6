"""Reminders on WeCom, DingTalk and Feishu beside email, against the loopback stand-ins: one send per
channel, cards in the recipient's language that open the module, failures and limits per channel."""

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.core.management import call_command

from reminders.models import ReminderLog, ReminderOptOut, ReminderRule
from tests.factories import UserFactory
from tests.standins.pytest_fixtures import *  # noqa: F403
from tests.standins.server import Reply

from .conftest import MORNING, TODAY, enrol

pytestmark = pytest.mark.django_db
MORNING_TS = datetime.fromisoformat("2026-11-20 10:00+08:00").timestamp()


def due_soon_rule(*channels: str) -> ReminderRule:
    ReminderRule.objects.all().delete()
    return ReminderRule.objects.create(name="3 days before", kind="due_soon", days=3, channels=list(channels))


def member(uid: str, platform: str = "wecom", **fields):
    user = UserFactory(email=f"{uid}@example.com", **fields)
    SocialAccount.objects.create(user=user, provider=platform, uid=uid)
    return user


def logs() -> list[tuple[str, str, str]]:
    return sorted(ReminderLog.objects.values_list("recipient__email", "channel", "status"))


def at_morning(standin) -> None:
    """The stand-in's clock at the test's moment, so signed requests with real timestamps are fresh."""
    standin.clock.advance(MORNING_TS - standin.clock())


@pytest.fixture
def wecom(wecom_standin, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, "wecom": {"APPS": [
        {"client_id": wecom_standin.corp_id, "secret": wecom_standin.secret, "key": wecom_standin.agent_id}]}}
    at_morning(wecom_standin)
    return wecom_standin


def test_a_rule_on_email_and_wecom_reaches_each_channel_once(imported_course, dispatch, mailoutbox, wecom):
    due_soon_rule("email", "wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    enrol(member("liuyang", language="en"), imported_course, due=TODAY + timedelta(days=3))

    dispatch(MORNING)
    dispatch(MORNING)

    assert logs() == [("lina@example.com", "email", "sent"), ("lina@example.com", "wecom", "sent"),
                      ("liuyang@example.com", "email", "sent"), ("liuyang@example.com", "wecom", "sent")]
    assert len(mailoutbox) == 2
    cards = {user: body["textcard"] for user, body in wecom.delivered}
    assert sorted(cards) == ["lina", "liuyang"] and len(wecom.delivered) == 2
    chinese, english = cards["lina"], cards["liuyang"]
    assert "测试课程" in chinese["title"] and "2026-11-23" in chinese["description"]
    assert chinese["btntxt"] == "打开模块" and english["btntxt"] == "Open the module"
    assert "due in 3 days" in english["title"]
    # Opened inside WeCom: through the silent sign-in entry, then on to the module.
    assert "/accounts/sso/wecom/?next=%2Fcourses%2Ftest-course%2F" in chinese["url"]


def sign_in_lands_on(client, wanted: str) -> str:
    page = client.get("/accounts/sso/wecom/", {"next": wanted}).content.decode()
    return re.search(r'<form method="post" action="[^"]*wecom/login/".*?name="next" value="([^"]*)"', page,
                     re.DOTALL).group(1)


def test_the_sign_in_entry_opens_the_module_but_never_another_site(client):
    assert sign_in_lands_on(client, "/courses/test-course/m-1-1/") == "/courses/test-course/m-1-1/"
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        assert sign_in_lands_on(client, hostile) == "/me/", hostile


def test_without_company_sign_in_the_card_links_the_module_directly(imported_course, dispatch, wecom_standin):
    due_soon_rule("wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    (_, body), = wecom_standin.delivered
    assert "/accounts/sso/" not in body["textcard"]["url"] and "/courses/test-course/" in body["textcard"]["url"]


def test_people_without_a_wecom_account_or_who_opted_out_get_email_only(imported_course, dispatch, mailoutbox,
                                                                       wecom):
    due_soon_rule("email", "wecom")
    enrol(UserFactory(email="no-im@example.com"), imported_course, due=TODAY + timedelta(days=3))
    quiet = member("lina")
    ReminderOptOut.objects.create(user=quiet, category="deadlines", channel="wecom")
    enrol(quiet, imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "email", "sent"), ("no-im@example.com", "email", "sent")]
    assert wecom.delivered == []


def test_a_failing_channel_does_not_block_the_other_and_keeps_the_platform_code(imported_course, dispatch,
                                                                               mailoutbox, wecom):
    due_soon_rule("email", "wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    wecom.inject("/cgi-bin/message/send", Reply({"errcode": 40056, "errmsg": "invalid agentid"}))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "email", "sent"), ("lina@example.com", "wecom", "failed")]
    assert ReminderLog.objects.get(channel="wecom").error_code == "40056"
    dispatch(MORNING)
    assert len(mailoutbox) == 1 and wecom.delivered == []  # a failed send is final for its period


def test_unknown_recipients_are_failed_not_retried(imported_course, dispatch, wecom):
    due_soon_rule("wecom")
    enrol(member("nobody-there"), imported_course, due=TODAY + timedelta(days=3))
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "wecom", "sent"), ("nobody-there@example.com", "wecom", "failed")]
    assert ReminderLog.objects.get(status="failed").error_code == "invalid-recipient"
    assert [user for user, _ in wecom.delivered] == ["lina"]


def test_a_rate_limit_code_defers_and_the_reminder_goes_later(imported_course, dispatch, wecom, hr_client):
    due_soon_rule("wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    wecom.inject("/cgi-bin/message/send", Reply({"errcode": 45009, "errmsg": "api freq out of limit"}))
    dispatch(MORNING)
    log = ReminderLog.objects.get()
    assert log.status == "deferred" and wecom.delivered == []
    assert log.not_before - log.queued_at == timedelta(seconds=60)  # WeCom blocks for a minute
    with time_machine.travel("2026-11-20 10:00:30 +0800", tick=False):
        page = hr_client.get("/reminders/preview/").content.decode()
    assert "WeCom message" in page or "企业微信消息" in page
    assert 'data-deferred="wecom">1<' in page
    dispatch("2026-11-20 10:00:30 +0800")
    assert ReminderLog.objects.get().status == "deferred"  # not before its time
    dispatch("2026-11-20 10:01:05 +0800")
    assert ReminderLog.objects.get().status == "sent" and len(wecom.delivered) == 1


def test_an_expired_token_is_refreshed_and_the_batch_completes(imported_course, dispatch, wecom):
    due_soon_rule("wecom")
    for uid in ("lina", "liuyang", "chenjing"):
        enrol(member(uid), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)  # a token is now cached
    enrol(member("zhangwei"), imported_course, due=TODAY + timedelta(days=3))
    wecom.clock.advance(7300)  # the cached token has expired at the platform
    issued = wecom.tokens.issued
    dispatch(MORNING)
    assert ReminderLog.objects.get(recipient__email="zhangwei@example.com").status == "sent"
    assert wecom.tokens.issued == issued + 1 and sorted(u for u, _ in wecom.delivered) == [
        "chenjing", "lina", "liuyang", "zhangwei"]


def test_dingtalk_work_notice_and_feishu_card(imported_course, dispatch, dingtalk_standin, feishu_standin):
    due_soon_rule("dingtalk", "feishu")
    person = member("lina", "dingtalk")
    SocialAccount.objects.create(user=person, provider="feishu", uid="lina")
    enrol(person, imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "dingtalk", "sent"), ("lina@example.com", "feishu", "sent")]
    (task,) = dingtalk_standin.tasks.values()
    assert task["delivered"] == ["lina"] and task["msg"]["msgtype"] == "action_card"
    assert task["msg"]["action_card"]["single_title"] == "打开模块"
    (user, body), = feishu_standin.delivered
    assert user == "lina" and body["msg_type"] == "interactive"
    assert "2026-11-23" in body["content"]["elements"][0]["text"]["content"]


def test_the_hr_digest_posts_once_to_each_signed_group_robot(dispatch, dingtalk_standin, feishu_standin,
                                                            wecom_standin, settings, hr_user):
    UserFactory(email="hr2@example.com", roles=["hr"])
    for standin in (dingtalk_standin, feishu_standin, wecom_standin):
        at_morning(standin)
    settings.WECOM_ROBOT_KEY = wecom_standin.add_robot()
    settings.DINGTALK_ROBOT_ACCESS_TOKEN, settings.DINGTALK_ROBOT_SECRET = dingtalk_standin.add_robot()
    settings.FEISHU_ROBOT_HOOK_TOKEN, settings.FEISHU_ROBOT_SECRET = feishu_standin.add_bot()
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(name="digest", kind="hr_digest", weekday=0,
                                channels=["email", "wecom_robot", "dingtalk_robot", "feishu_robot"])
    dispatch(MORNING)
    dispatch(MORNING)
    assert sorted(ReminderLog.objects.values_list("channel", "status")) == [
        ("dingtalk_robot", "sent"), ("email", "sent"), ("email", "sent"), ("feishu_robot", "sent"),
        ("wecom_robot", "sent")]
    assert len(wecom_standin.robot_messages) == len(dingtalk_standin.robot_messages) == 1
    assert len(feishu_standin.bot_messages) == 1
    (_, post), = dingtalk_standin.robot_messages
    assert post["msgtype"] == "markdown" and "/reminders/preview/" in post["markdown"]["text"]


def test_rules_name_known_channels_and_keep_robots_for_the_digest():
    rule = ReminderRule(name="x", kind="due_soon", days=3, channels=["email", "sms"])
    with pytest.raises(ValidationError, match="sms"):
        rule.full_clean()
    rule.channels = ["wecom_robot"]
    with pytest.raises(ValidationError, match="HR 每周汇总"):
        rule.full_clean()
    rule.channels = "wecom"
    with pytest.raises(ValidationError, match="渠道名称列表"):
        rule.full_clean()
    rule.channels = ["email", "wecom"]
    rule.full_clean()


def test_the_company_default_applies_to_rules_without_channels(imported_course, dispatch, mailoutbox, wecom,
                                                               settings):
    settings.REMINDER_DEFAULT_CHANNELS = ["wecom"]
    due_soon_rule()
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "wecom", "sent")] and mailoutbox == []


def test_an_unconfigured_platform_is_left_out(imported_course, dispatch, mailoutbox, settings):
    settings.WECOM_SECRET = ""
    due_soon_rule("email", "wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "email", "sent")]


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


def test_a_person_chooses_channels_per_category(client, wecom, imported_course, dispatch, mailoutbox):
    person = member("lina")
    client.force_login(person)
    page = client.get("/reminders/preferences/").content.decode()
    assert 'name="category_deadlines"' in page and 'name="category_deadlines_wecom"' in page
    assert "category_deadlines_feishu" not in page  # no Feishu app here, nor an account on it
    client.post("/reminders/preferences/", {
        "reminder_opt_in": "on", "category_deadlines": "on", "category_inactivity": "on",
        "category_inactivity_wecom": "on", "category_achievements": "on", "category_achievements_wecom": "on",
        "category_certificates": "on", "category_certificates_wecom": "on",
        "category_deadlines_feishu": "on", "category_digest_wecom": "on"})  # not offered: ignored
    assert set(ReminderOptOut.objects.filter(user=person).values_list("category", "channel")) == {
        ("deadlines", "wecom")}
    due_soon_rule("email", "wecom")
    enrol(person, imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "email", "sent")] and wecom.delivered == []


def test_without_an_im_account_the_page_offers_email_only(learner_client, wecom):
    page = learner_client.get("/reminders/preferences/").content.decode()
    assert 'name="category_deadlines"' in page and "_wecom" not in page


def test_hr_sees_sent_deferred_and_failed_per_channel_and_day(imported_course, dispatch, mailoutbox, wecom,
                                                              client, learner, hr_user):
    due_soon_rule("email", "wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    enrol(member("liuyang"), imported_course, due=TODAY + timedelta(days=3))
    enrol(member("nobody-there"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    assert client.get("/reminders/delivery/").status_code == 302
    client.force_login(learner)
    assert client.get("/reminders/delivery/").status_code == 403
    client.force_login(hr_user)
    with time_machine.travel("2026-11-20 18:00 +0800", tick=False):
        page = client.get("/reminders/delivery/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    wecom_row = re.search(r'<tr data-channel="wecom">(.*?)</tr>', page, re.DOTALL).group(1)
    email_row = re.search(r'<tr data-channel="email">(.*?)</tr>', page, re.DOTALL).group(1)
    assert "2026-11-20" in wecom_row and "企业微信消息" in wecom_row
    assert re.search(r'data-status="sent">2<', wecom_row) and re.search(r'data-status="failed">1<', wecom_row)
    assert "<code>invalid-recipient</code> × 1" in wecom_row
    assert re.search(r'data-status="sent">3<', email_row)


def test_the_dry_run_names_the_channels(imported_course, wecom):
    due_soon_rule("email", "wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-11-20T10:00+08:00", stdout=out)
    assert out.getvalue().splitlines()[0].endswith("\temail,wecom")


def test_a_platform_that_is_down_is_retried_and_sends_once(imported_course, dispatch, wecom):
    due_soon_rule("wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    wecom.inject("/cgi-bin/message/send", Reply({"errmsg": "busy"}, 503))
    dispatch(MORNING)  # in-process tasks: the retry runs at once
    log = ReminderLog.objects.get()
    assert log.status == "sent" and log.attempts == 2 and log.attempted_at is not None
    assert [user for user, _ in wecom.delivered] == ["lina"]


def test_a_message_that_cannot_be_built_fails_alone(imported_course, dispatch, wecom, monkeypatch):
    from reminders import services

    due_soon_rule("wecom")
    enrol(member("lina"), imported_course, due=TODAY + timedelta(days=3))
    enrol(member("liuyang"), imported_course, due=TODAY + timedelta(days=3))
    build = services.message_for_channel

    def broken_for_lina(candidate, log, progress=None):
        if candidate.recipient.email.startswith("lina"):
            raise ValueError("template missing")
        return build(candidate, log, progress)

    monkeypatch.setattr(services, "message_for_channel", broken_for_lina)
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "wecom", "failed"), ("liuyang@example.com", "wecom", "sent")]
    assert ReminderLog.objects.get(status="failed").error_code == "render-failed"


def test_past_wecoms_daily_cap_the_rest_is_deferred_not_dropped(imported_course, dispatch, settings):
    from tests.standins.directory import Member, Org, wecom_shape
    from tests.standins.wecom import WeComStandin

    uids = [f"w{n:03d}" for n in range(201)]
    server = WeComStandin(directory=wecom_shape(Org([], [Member(u, u, ["1"], "", "", "", "") for u in uids])))
    server.start()
    try:
        settings.WECOM_BASE_URL, settings.WECOM_CORP_ID = server.base_url, server.corp_id
        settings.WECOM_AGENT_ID, settings.WECOM_SECRET = server.agent_id, server.secret
        settings.WECOM_ACCOUNT_LIMIT = 1  # one seat: 200 recipients a day
        due_soon_rule("wecom")
        users = UserFactory.create_batch(len(uids))
        SocialAccount.objects.bulk_create(SocialAccount(user=u, provider="wecom", uid=uid)
                                          for u, uid in zip(users, uids, strict=True))
        for user in users:
            enrol(user, imported_course, due=TODAY + timedelta(days=3))
        dispatch(MORNING)
    finally:
        server.stop()
    assert ReminderLog.objects.filter(status="sent").count() == len(server.delivered) == 200
    deferred = ReminderLog.objects.get(status="deferred")
    assert deferred.not_before - deferred.queued_at >= timedelta(minutes=7)  # a day's 200 refill one by one


def test_the_admin_shows_channels_and_error_codes(admin_client, imported_course, dispatch, wecom):
    due_soon_rule("wecom")
    enrol(member("nobody-there"), imported_course, due=TODAY + timedelta(days=3))
    dispatch(MORNING)
    page = admin_client.get("/admin/reminders/reminderlog/?channel=wecom").content.decode()
    assert "invalid-recipient" in page
    assert admin_client.get("/admin/reminders/reminderrule/").status_code == 200
    assert admin_client.get("/admin/reminders/reminderoptout/").status_code == 200


def test_dingtalk_notices_its_report_shows_held_back_are_deferred_not_counted_sent(
        imported_course, dispatch, dingtalk_standin):
    due_soon_rule("dingtalk")
    for uid in ("lina", "liuyang"):
        enrol(member(uid, "dingtalk"), imported_course, due=TODAY + timedelta(days=3))
    for _ in range(500):  # lina already had DingTalk's 500 notices today
        dingtalk_standin.windows.hit("day:lina", 500, 86400)
    dispatch(MORNING)
    assert logs() == [("lina@example.com", "dingtalk", "sent"), ("liuyang@example.com", "dingtalk", "sent")]
    (task_id,) = set(ReminderLog.objects.values_list("message_id", flat=True))
    assert dingtalk_standin.tasks[int(task_id)]["forbidden"] == ["lina"]

    result = dispatch("2026-11-20 10:15 +0800")  # the next beat reads the task's delivery report

    assert result.corrected == 1
    assert logs() == [("lina@example.com", "dingtalk", "deferred"), ("liuyang@example.com", "dingtalk", "sent")]
    held = ReminderLog.objects.get(status="deferred")
    assert held.error_code == "forbidden" and held.not_before.date() > held.sent_at.date()
    assert ReminderLog.objects.get(status="sent").delivery_checked_at is not None
    dispatch("2026-11-20 10:30 +0800")
    assert len(dingtalk_standin.calls("/topapi/message/corpconversation/getsendresult")) == 1  # asked once
