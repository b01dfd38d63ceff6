"""The reminders preview is an HR page like the others, and says why a digest shows on another day."""

import time_machine

from .conftest import MORNING


def test_the_preview_keeps_the_hr_navigation(client, hr_user, course):
    client.force_login(hr_user)
    with time_machine.travel(MORNING, tick=False):
        page = client.get("/reminders/preview/").content.decode()
    assert 'class="subnav"' in page and 'href="/hr/"' in page and 'href="/hr/cohorts/"' in page
    assert 'href="/reminders/preview/" aria-current="page"' in page


def test_a_digest_planned_for_a_non_digest_day_is_explained(client, hr_user, course):
    client.force_login(hr_user)
    with time_machine.travel(MORNING, tick=False):  # a Friday; the digest's weekday has passed unsent
        page = client.get("/reminders/preview/").content.decode()
    assert "HR 每周汇总" in page and "之后的第一次运行时补发" in page
