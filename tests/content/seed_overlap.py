"""Find runs of course text copied from the seed courseware.

Text is compared with punctuation, whitespace and Markdown syntax ignored; any run of
RUN_LENGTH or more characters that also appears in the seed is reported.

    .venv/bin/python tests/content/seed_overlap.py content/ops-manager/01-role-foundations/*.md
"""

import re
import sys
from pathlib import Path

RUN_LENGTH = 20
SEED_PATH = Path(__file__).resolve().parents[3] / "shared" / "seed" / "seed-simplified.txt"
KEEP_RE = re.compile(r"[^\w]|_", re.UNICODE)


def normalise(text: str) -> str:
    return KEEP_RE.sub("", text)


def seed_runs(seed_text: str, length: int = RUN_LENGTH) -> set[str]:
    flat = normalise(seed_text)
    return {flat[i : i + length] for i in range(len(flat) - length + 1)}


def copied_runs(text: str, runs: set[str], length: int = RUN_LENGTH) -> list[str]:
    """Maximal copied stretches of ``text`` (each at least ``length`` characters)."""
    flat = normalise(text)
    found, i = [], 0
    while i <= len(flat) - length:
        if flat[i : i + length] in runs:
            end = i + length
            while end < len(flat) and flat[end - length + 1 : end + 1] in runs:
                end += 1
            found.append(flat[i:end])
            i = end
        else:
            i += 1
    return found


def main(paths: list[str]) -> int:
    runs = seed_runs(SEED_PATH.read_text(encoding="utf-8"))
    bad = 0
    for path in paths:
        for run in copied_runs(Path(path).read_text(encoding="utf-8"), runs):
            bad += 1
            print(f"{path}: copied from the seed: {run}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
