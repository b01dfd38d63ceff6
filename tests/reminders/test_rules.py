"""Who qualifies for which reminder: the pure rules, with a frozen clock and no database."""

from datetime import UTC, date, datetime, timedelta

import pytest

from reminders.models import ReminderKind, ReminderRule
from reminders.rules import (
    Facts,
    Recipient,
    digest_candidates,
    enrollment_candidates,
    in_window,
    reason_text,
)

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Friday
TODAY = date(2026, 11, 20)


def rule(kind, days=0, pk=None, **fields) -> ReminderRule:
    made = ReminderRule(kind=kind, days=days, name=f"{kind} {days}", **fields)
    made.pk = pk or hash((kind, days)) % 10_000
    return made


DEFAULTS = [rule("due_soon", 7), rule("due_soon", 3), rule("due_soon", 1),
            rule("overdue", 1, repeat_every_days=3, max_sends=5), rule("inactive", 7), rule("completed"),
            rule("escalation", 14), rule("hr_digest", weekday=0)]


def learner(**fields) -> Recipient:
    return Recipient(id=1, email="a@example.com", name="阿明", **fields)


def facts(**fields) -> Facts:
    base = {"enrollment_id": 10, "learner": learner(), "enrolled_at": NOW - timedelta(days=2),
            "last_activity_at": NOW - timedelta(days=1)}
    return Facts(**{**base, **fields})


def kinds(found) -> list[tuple[str, int, str]]:
    return [(c.rule.kind, c.rule.days, c.period) for c in found]


@pytest.mark.parametrize(("days_left", "expected_rule"), [(8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1),
                                                          (0, 1), (-1, None)])
def test_the_tightest_before_due_rule_covers_each_day(days_left, expected_rule):
    found = enrollment_candidates(facts(due_date=TODAY + timedelta(days=days_left)), DEFAULTS, NOW)
    due_soon = [c for c in found if c.rule.kind == ReminderKind.DUE_SOON]
    assert [c.rule.days for c in due_soon] == ([expected_rule] if expected_rule else [])
    if due_soon:
        assert due_soon[0].period == (TODAY + timedelta(days=days_left)).isoformat()


@pytest.mark.parametrize(("days_over", "period_step"), [(1, 0), (3, 0), (4, 1), (7, 2), (13, 4), (16, None)])
def test_overdue_repeats_every_n_days_up_to_the_cap(days_over, period_step):
    due = TODAY - timedelta(days=days_over)
    found = [c for c in enrollment_candidates(facts(due_date=due), DEFAULTS, NOW) if c.rule.kind == "overdue"]
    assert [c.period for c in found] == ([f"{due.isoformat()}#{period_step}"] if period_step is not None else [])


def test_nothing_is_overdue_on_the_due_date_itself():
    found = enrollment_candidates(facts(due_date=TODAY), DEFAULTS, NOW)
    assert [c.rule.kind for c in found] == ["due_soon"]


def test_inactivity_counts_from_the_last_activity_or_the_enrolment():
    idle = facts(enrolled_at=NOW - timedelta(days=30), last_activity_at=NOW - timedelta(days=7))
    assert kinds(enrollment_candidates(idle, DEFAULTS, NOW)) == [("inactive", 7, "since:2026-11-13")]
    never = facts(enrolled_at=NOW - timedelta(days=8), last_activity_at=None)
    assert kinds(enrollment_candidates(never, DEFAULTS, NOW)) == [("inactive", 7, "since:2026-11-12")]
    recent = facts(enrolled_at=NOW - timedelta(days=30), last_activity_at=NOW - timedelta(days=6))
    assert enrollment_candidates(recent, DEFAULTS, NOW) == []


def test_overdue_learners_get_the_overdue_reminder_not_the_inactivity_one():
    stale = facts(due_date=TODAY - timedelta(days=2), last_activity_at=NOW - timedelta(days=20))
    assert [c.rule.kind for c in enrollment_candidates(stale, DEFAULTS, NOW)] == ["overdue"]


def test_a_finished_withdrawn_or_opted_out_learner_gets_nothing():
    due = TODAY + timedelta(days=3)
    assert enrollment_candidates(facts(due_date=due, completed_at=NOW - timedelta(days=30)), DEFAULTS, NOW) == []
    assert enrollment_candidates(facts(due_date=due, withdrawn=True), DEFAULTS, NOW) == []
    assert enrollment_candidates(facts(due_date=due, learner=learner(opted_in=False)), DEFAULTS, NOW) == []
    assert enrollment_candidates(facts(due_date=due, learner=learner(is_active=False)), DEFAULTS, NOW) == []


def test_opting_out_of_one_category_keeps_the_others():
    idle_and_due = facts(due_date=TODAY + timedelta(days=3), enrolled_at=NOW - timedelta(days=30),
                         last_activity_at=NOW - timedelta(days=9))
    everything = [c.rule.kind for c in enrollment_candidates(idle_and_due, DEFAULTS, NOW)]
    assert everything == ["due_soon", "inactive"]
    no_deadlines = facts(due_date=TODAY + timedelta(days=3), enrolled_at=NOW - timedelta(days=30),
                         last_activity_at=NOW - timedelta(days=9),
                         learner=learner(opt_outs=frozenset({("deadlines", "email")})))
    assert [c.rule.kind for c in enrollment_candidates(no_deadlines, DEFAULTS, NOW)] == ["inactive"]


def test_an_extension_moves_the_reminders_to_the_new_date():
    before = enrollment_candidates(facts(due_date=TODAY + timedelta(days=1)), DEFAULTS, NOW)
    after = enrollment_candidates(facts(due_date=TODAY + timedelta(days=14)), DEFAULTS, NOW)
    assert [c.rule.days for c in before] == [1] and after == []
    later = enrollment_candidates(facts(due_date=TODAY + timedelta(days=14), last_activity_at=NOW + timedelta(days=6)),
                                  DEFAULTS, NOW + timedelta(days=7))
    assert kinds(later) == [("due_soon", 7, (TODAY + timedelta(days=14)).isoformat())]


def test_completion_congratulates_recent_completions_with_a_certificate():
    done = facts(completed_at=NOW - timedelta(hours=2), certificate_code="ABCD-EFGH-JKLM")
    assert kinds(enrollment_candidates(done, DEFAULTS, NOW)) == [("completed", 0, "completed")]
    old = facts(completed_at=NOW - timedelta(days=30), certificate_code="ABCD-EFGH-JKLM")
    assert enrollment_candidates(old, DEFAULTS, NOW) == []
    opted_out = facts(completed_at=NOW, certificate_code="X",
                      learner=learner(opt_outs=frozenset({("achievements", "email")})))
    assert enrollment_candidates(opted_out, DEFAULTS, NOW) == []


def test_long_overdue_learners_are_escalated_to_their_manager_even_if_they_opted_out():
    boss = Recipient(id=2, email="boss@example.com", name="老板")
    late = facts(due_date=TODAY - timedelta(days=14), manager=boss, learner=learner(opted_in=False))
    found = enrollment_candidates(late, DEFAULTS, NOW)
    assert [(c.rule.kind, c.recipient.email) for c in found] == [("escalation", "boss@example.com")]
    not_yet = facts(due_date=TODAY - timedelta(days=13), manager=boss)
    assert [c.rule.kind for c in enrollment_candidates(not_yet, DEFAULTS, NOW)] == ["overdue"]
    no_boss = facts(due_date=TODAY - timedelta(days=20), learner=learner(opted_in=False))
    assert enrollment_candidates(no_boss, DEFAULTS, NOW) == []
    boss_opted_out = facts(due_date=TODAY - timedelta(days=20), learner=learner(opted_in=False),
                           manager=Recipient(id=2, email="b@example.com",
                                             opt_outs=frozenset({("escalations", "email")})))
    assert enrollment_candidates(boss_opted_out, DEFAULTS, NOW) == []


def test_inactive_rules_are_ignored():
    off = [rule("due_soon", 3, is_active=False)]
    assert enrollment_candidates(facts(due_date=TODAY + timedelta(days=3)), off, NOW) == []


def test_the_hr_digest_goes_once_per_iso_week_from_its_weekday():
    hr = [Recipient(id=5, email="hr@example.com"), Recipient(id=6, email="off@example.com",
                                                            opt_outs=frozenset({("digest", "email")}))]
    monday = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    found = digest_candidates(DEFAULTS, hr, monday)
    assert [(c.recipient.email, c.period) for c in found] == [("hr@example.com", "2026-W47")]
    assert [c.period for c in digest_candidates(DEFAULTS, hr, NOW)] == ["2026-W47"]  # Friday: same week
    thursday_rule = [rule("hr_digest", weekday=3)]
    assert digest_candidates(thursday_rule, hr, monday) == []


def test_the_daytime_window_is_in_each_recipients_own_time_zone():
    assert in_window(NOW, "Asia/Shanghai")  # 10:00
    assert not in_window(NOW, "Europe/London")  # 02:00
    assert in_window(NOW + timedelta(hours=10), "Europe/London")  # 12:00
    assert not in_window(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), "Asia/Shanghai")  # 20:00: too late
    assert in_window(datetime(2026, 11, 20, 1, 0, tzinfo=UTC), "Asia/Shanghai")  # 09:00 sharp
    assert not in_window(datetime(2026, 11, 20, 0, 59, tzinfo=UTC), "Asia/Shanghai")
    assert in_window(NOW, "Not/AZone")  # unknown zone: the site's own (Shanghai)
    assert not in_window(NOW, "Asia/Shanghai", window="11:00-12:00")


def test_the_local_date_decides_the_day_count():
    # 23:30 UTC on the 19th is already the 20th in Shanghai but still the 19th in New York.
    late = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    due = date(2026, 11, 23)
    shanghai = enrollment_candidates(facts(due_date=due), DEFAULTS, late)
    new_york = enrollment_candidates(facts(due_date=due, learner=learner(timezone="America/New_York")),
                                     DEFAULTS, late)
    assert [c.reason["days"] for c in shanghai] == [3]
    assert [c.reason["days"] for c in new_york] == [4]


def test_reasons_read_as_sentences():
    assert reason_text({"code": "due_soon", "days": 3, "due": "2026-11-23"}) in {
        "Due 2026-11-23: 3 days left", "2026-11-23 截止：还剩 3 天"}
    assert "14" in reason_text({"code": "escalation", "days": 14, "learner": "阿明"})


def test_a_window_can_span_midnight_or_the_whole_day():
    assert in_window(NOW, "Asia/Shanghai", window="00:00-00:00")  # 10:00
    assert not in_window(NOW, "Asia/Shanghai", window="22:00-06:00")
    assert in_window(NOW, "Europe/London", window="22:00-06:00")  # 02:00
