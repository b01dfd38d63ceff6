"""Durations written in front matter (`valid_for: 12 months`, `recertify_within: 30 days`). Pure.

Months and years are calendar ones: a certificate earned on 31 January and valid for one month
expires on the last day of February, which is what people mean and what an auditor checks.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizzes.syntax import Phrase

UNITS = {"day": "days", "days": "days", "天": "days", "week": "weeks", "weeks": "weeks", "周": "weeks",
         "month": "months", "months": "months", "个月": "months", "月": "months",
         "year": "years", "years": "years", "年": "years"}
DURATION_RE = re.compile(r"^\s*(\d{1,4})\s*(days?|weeks?|months?|years?|天|周|个月|月|年)\s*$")
LONGEST_DAYS = 3720  # ten years (120 months of 31 days): longer is a typo, not a policy


@dataclass(frozen=True)
class Duration:
    count: int
    unit: str  # "days", "weeks", "months" or "years"

    def __str__(self) -> str:
        return f"{self.count} {self.unit}"

    def after(self, moment: datetime) -> datetime:
        if self.unit == "days":
            return moment + timedelta(days=self.count)
        if self.unit == "weeks":
            return moment + timedelta(weeks=self.count)
        return _add_months(moment, self.count * (12 if self.unit == "years" else 1))

    def before(self, moment: datetime) -> datetime:
        if self.unit in ("days", "weeks"):
            return moment - (self.after(moment) - moment)
        return _add_months(moment, -self.count * (12 if self.unit == "years" else 1))

    @property
    def approximate_days(self) -> int:
        return self.count * {"days": 1, "weeks": 7, "months": 31, "years": 366}[self.unit]


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def parse_duration(text: str) -> Duration:
    """Raise ValueError with the reason when ``text`` is not a duration we accept."""
    match = DURATION_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(Phrase("a number and a unit, e.g. '12 months', '2 years', '30 days' or '90 天'"))
    duration = Duration(int(match.group(1)), UNITS[match.group(2)])
    if duration.count < 1:
        raise ValueError(Phrase("at least 1"))
    if duration.approximate_days > LONGEST_DAYS:
        raise ValueError(Phrase("at most 10 years"))
    return duration


def duration_or_none(text: str) -> Duration | None:
    """A stored (already validated) duration; empty text means none."""
    return parse_duration(text) if text else None
