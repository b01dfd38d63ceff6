"""How much active time one heartbeat may add, as SQL expressions for a single UPDATE.

The rule, decided inside the database so concurrent reports cannot read the same old value:

    base    = max(last_beat_at, last_viewed_at)         (the page view counts as the first report)
    credit  = min(reported, 30 s, floor(now − base + 5 s))
    last_beat_at := now + 5 s if the credit dipped into the 5 s, else now

`last_beat_at` is a watermark: everything up to it has been paid for. A report that used the grace
(its clock ran a little ahead of ours) moves the watermark 5 s into the future, so the next report
cannot use the same grace again: the grace absorbs clock skew once, not once per report. Summing
over any run of reports, each credit is at most the time between its base and the new watermark,
and the watermarks never pass now + 5 s, so the total over any interval is at most the interval's
length + 5 s, however many reports arrive, from how many tabs, concurrently or not.
"""

from datetime import datetime, timedelta

from django.db.models import Case, F, FloatField, Func, IntegerField, Value, When
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Least, Round
from django.db.models.lookups import GreaterThan


class SecondsSince(Func):
    """Seconds from a timestamp expression to a given moment (PostgreSQL and SQLite)."""

    output_field = FloatField()

    def __init__(self, start, moment: datetime):
        super().__init__(Value(moment), start)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))",
                           arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
                           arg_joiner=") - julianday(", **extra)


def _elapsed(now: datetime) -> Round:
    """Rounded to the millisecond: SQLite's julianday arithmetic is off by a few microseconds."""
    base = Greatest(Coalesce(F("last_beat_at"), F("last_viewed_at")), F("last_viewed_at"))
    return Round(SecondsSince(base, now), 3, output_field=FloatField())


def beat_credit(*, reported: int, now: datetime, grace: int):
    """Whole seconds to add: min(reported, floor(elapsed + grace)), never below 0. `reported` is
    already capped at the per-report maximum."""
    room = Greatest(Floor(_elapsed(now) + Value(float(grace))), Value(0.0))
    return Cast(Least(Value(float(reported)), room), IntegerField())


def beat_watermark(*, credit, now: datetime, grace: int) -> Case:
    return Case(When(GreaterThan(credit, _elapsed(now)), then=Value(now + timedelta(seconds=grace))),
                default=Value(now))
