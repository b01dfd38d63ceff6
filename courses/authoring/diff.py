"""Line diff between two texts, for revision history and edit conflicts. Pure."""

import difflib
from dataclasses import dataclass

CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "add", "del" or "gap" (unchanged lines left out)
    old: int | None
    new: int | None
    text: str


def line_diff(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """Changed lines with a few lines of context around each change; [] when equal."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[DiffLine] = []
    for group_index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if group_index or group[0][1] > 0 or group[0][3] > 0:
            out.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(DiffLine("same", i + 1, j1 + i - i1 + 1, a[i]) for i in range(i1, i2))
                continue
            out.extend(DiffLine("del", i + 1, None, a[i]) for i in range(i1, i2))
            out.extend(DiffLine("add", None, j + 1, b[j]) for j in range(j1, j2))
    return out


def diff_stats(lines: list[DiffLine]) -> tuple[int, int]:
    return sum(line.kind == "add" for line in lines), sum(line.kind == "del" for line in lines)


QUIZ_MARKER = "=== quiz ==="


def reading_text(source: str) -> str:
    """What a learner reads of a module's source: no front matter and no quiz (its answers are marked)."""
    lines = source.removeprefix("\ufeff").splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    quiz = next((i for i, line in enumerate(lines) if line.strip() == QUIZ_MARKER), len(lines))
    return "\n".join(lines[:quiz]).strip("\n")
