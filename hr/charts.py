"""Bar charts as plain data for server-side SVG: every bar carries its number as text, so the
charts read without colour and without JavaScript."""

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 140
CHART_WIDTH = 640


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    y: int
    width: int


def horizontal_bars(items: list[tuple[str, int, str]]) -> dict:
    """items: (label, value, text shown at the bar's end)."""
    largest = max((value for _, value, _ in items), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 80
    bars = [Bar(label, value, text, i * (BAR_HEIGHT + GAP), max(2, round(room * value / largest)) if value else 0)
            for i, (label, value, text) in enumerate(items)]
    return {"bars": bars, "width": CHART_WIDTH, "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT}
