"""One date format per language across pages (config/formats/<locale>/formats.py)."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import timezone, translation


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "2026-03-07"), ("en", "7 Mar 2026")])
def test_dates_written_either_way_read_the_same(language, shown):
    template = Template('{{ day|date }}|{{ day }}|{{ moment|date:"DATETIME_FORMAT" }}')
    moment = timezone.make_aware(timezone.datetime(2026, 3, 7, 9, 5))
    with translation.override(language):
        assert template.render(Context({"day": date(2026, 3, 7), "moment": moment})) == f"{shown}|{shown}|{shown} 09:05"
