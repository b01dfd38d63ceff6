"""The calculators a module can embed, as pure formulas.

static/js/widgets/calculators.js implements the same formulas for the browser; tests check both give the
figures the course text states. Each spec lists the parameters a trainer may write in a
``::: calculator <kind>`` block.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from statistics import NormalDist

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quizzes.syntax import Phrase, parse_number


class CalculatorError(ValueError):
    """Inputs a formula cannot take; ``phrase`` says why (in the reader's language when shown)."""

    def __init__(self, text: str, **params):
        self.phrase = Phrase(text, params)
        super().__init__(self.phrase.english())


@dataclass(frozen=True)
class Param:
    name: str
    label: Promise
    repeat: bool = False
    labelled: bool = False
    required: bool = True
    default: str | None = None


@dataclass(frozen=True)
class Spec:
    kind: str
    title: Promise
    params: tuple[Param, ...]
    result_label: Promise | str


SPECS = {
    spec.kind: spec
    for spec in (
        Spec("roi", _("ROI calculator"), (
            Param("cost", _("Cost item"), repeat=True, labelled=True),
            Param("revenue", _("Revenue item"), repeat=True, labelled=True),
        ), "ROI (%)"),
        Spec("funnel", _("Funnel conversion calculator"), (
            Param("step", _("People at the funnel step"), repeat=True, labelled=True),
        ), _("Overall conversion (%)")),
        Spec("stickiness", _("DAU/MAU stickiness calculator"), (
            Param("dau", _("Daily active users (DAU)")),
            Param("mau", _("Monthly active users (MAU)")),
        ), "DAU/MAU"),
        Spec("rfm", _("RFM scorer"), (
            Param("recency", _("Days since the last purchase")),
            Param("frequency", _("Purchases in the period")),
            Param("monetary", _("Amount spent in the period")),
            Param("r_bins", _("R bands (days, ascending)"), default="7,30,60,90"),
            Param("f_bins", _("F bands (purchases, ascending)"), default="2,3,5,8"),
            Param("m_bins", _("M bands (amount, ascending)"), default="100,300,800,2000"),
        ), _("RFM score")),
        Spec("ab-sample-size", _("A/B test sample size calculator"), (
            Param("baseline", _("Baseline conversion (%)")),
            Param("lift", _("Relative lift to detect (%)")),
            Param("alpha", _("Significance level α"), default="0.05"),
            Param("power", _("Statistical power 1-β"), default="0.8"),
        ), _("Sample size per group")),
    )
}
OPTIONAL_KEYS = {"unit", "expect"}


def labels() -> dict[str, Promise | str]:
    """The interface words of every calculator, by the token names its widget template uses."""
    words: dict[str, Promise | str] = {}
    for spec in SPECS.values():
        words[f"calc.{spec.kind}"] = spec.title
        words[f"calc.{spec.kind}.result"] = spec.result_label
        words.update((f"calc.{spec.kind}.{param.name}", param.label) for param in spec.params)
    return words


def _bins(text: str, name: str) -> list[Decimal]:
    values = [parse_number(part) for part in text.split(",")]
    if len(values) != 4 or any(v is None for v in values) or values != sorted(values):
        raise CalculatorError("%(name)s needs four ascending numbers separated by commas", name=name)
    return values  # type: ignore[return-value]


def _score_low_is_good(value: Decimal, bins: list[Decimal]) -> int:
    return 5 - sum(value > edge for edge in bins)


def _score_high_is_good(value: Decimal, bins: list[Decimal]) -> int:
    return 1 + sum(value >= edge for edge in bins)


def roi(costs: list[Decimal], revenues: list[Decimal]) -> Decimal:
    cost, revenue = sum(costs), sum(revenues)
    if cost <= 0:
        raise CalculatorError("total cost must be greater than 0")
    return (revenue - cost) / cost * 100


def funnel(steps: list[Decimal]) -> Decimal:
    if len(steps) < 2 or steps[0] <= 0:
        raise CalculatorError("a funnel needs at least two steps and a first step above 0")
    if any(later > earlier for earlier, later in pairwise(steps)):
        raise CalculatorError("each funnel step must be no larger than the one before it")
    return steps[-1] / steps[0] * 100


def stickiness(dau: Decimal, mau: Decimal) -> Decimal:
    if mau <= 0 or dau < 0 or dau > mau:
        raise CalculatorError("need 0 ≤ DAU ≤ MAU and MAU above 0")
    return dau / mau


def rfm(recency: Decimal, frequency: Decimal, monetary: Decimal,
        r_bins: list[Decimal], f_bins: list[Decimal], m_bins: list[Decimal]) -> str:
    if min(recency, frequency, monetary) < 0:
        raise CalculatorError("recency, frequency and monetary cannot be negative")
    scores = (_score_low_is_good(recency, r_bins), _score_high_is_good(frequency, f_bins),
              _score_high_is_good(monetary, m_bins))
    return "".join(str(s) for s in scores)


def ab_sample_size(baseline: Decimal, lift: Decimal, alpha: Decimal, power: Decimal) -> int:
    p1 = float(baseline) / 100
    p2 = p1 * (1 + float(lift) / 100)
    if not (0 < p1 < 1 and 0 < p2 < 1 and p1 != p2):
        raise CalculatorError("baseline and lifted rates must lie strictly between 0% and 100%")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise CalculatorError("alpha and power must lie strictly between 0 and 1")
    z_alpha = NormalDist().inv_cdf(1 - float(alpha) / 2)
    z_beta = NormalDist().inv_cdf(float(power))
    p_bar = (p1 + p2) / 2
    top = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_beta * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top**2 / (p2 - p1) ** 2)


Values = dict[str, list[tuple[str, str]]]  # name -> [(raw value, label)]


def _number(raw: str, name: str) -> Decimal:
    number = parse_number(raw)
    if number is None:
        raise CalculatorError("%(name)s: %(raw)r is not a number", name=name, raw=raw)
    return number


def compute(kind: str, values: Values) -> str:
    """Compute the result for written parameters, formatted as the course text would state it."""
    def one(name: str) -> Decimal:
        return _number(values[name][0][0], name)

    def many(name: str) -> list[Decimal]:
        return [_number(raw, name) for raw, _ in values.get(name, [])]

    if kind == "roi":
        return format_number(roi(many("cost"), many("revenue")))
    if kind == "funnel":
        return format_number(funnel(many("step")))
    if kind == "stickiness":
        return format_number(stickiness(one("dau"), one("mau")), places=2)
    if kind == "rfm":
        bins = {name: _bins(values[name][0][0], name) for name in ("r_bins", "f_bins", "m_bins")}
        return rfm(one("recency"), one("frequency"), one("monetary"), **bins)
    return str(ab_sample_size(one("baseline"), one("lift"), one("alpha"), one("power")))


def with_defaults(kind: str, values: Values) -> Values:
    filled = dict(values)
    for param in SPECS[kind].params:
        if param.name not in filled and param.default is not None:
            filled[param.name] = [(param.default, "")]
    return filled


def format_number(value: Decimal, places: int = 1) -> str:
    rounded = round(value, places)
    text = f"{rounded:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
