"""Shared settings of the fuzzers (tests/*/test_fuzz_*.py): a fixed seed, a bounded number of
examples, and a bound per input on time and memory, enforced by running each input in a forked
child (courses.content.budget) that is killed past it.

FUZZ_EXAMPLES sets the number of examples per fuzzer (default 40; ``make bench`` runs 2000), and
FUZZ_REPORT a file that each fuzzer appends its statistics to (one JSON line), for the bench.
"""

import json
import os
import time
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings

from courses.content.budget import Overrun, run_bounded

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SECONDS_PER_INPUT = 10.0  # the render budget inside is smaller: this catches what runs outside it
MEMORY_MB_PER_INPUT = 512

fuzz_settings = settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)


@dataclass
class FuzzStats:
    """Examples run and the slowest one, printed by the bench's fuzz run."""

    examples: int = 0
    slowest: float = 0.0
    outcomes: dict = field(default_factory=dict)

    def record(self, seconds: float, outcome: str) -> None:
        self.examples += 1
        self.slowest = max(self.slowest, seconds)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def bounded(check, value, stats: FuzzStats) -> object:
    """``check(value)`` in a child bounded in time and memory; fails the example on any escape."""
    started = time.perf_counter()
    (result,) = run_bounded(check, [value], seconds=SECONDS_PER_INPUT, memory_mb=MEMORY_MB_PER_INPUT)
    elapsed = time.perf_counter() - started
    assert not isinstance(result, Overrun), f"{result.kind}: {result.detail} for {value!r:.300}"
    stats.record(elapsed, str(result)[:60])
    if os.environ.get("FUZZ_VERBOSE") and elapsed > 1:
        print(f"\nslow input ({elapsed:.2f} s, {result}): {value!r:.200}")
    return result


def report(name: str, stats: FuzzStats) -> None:
    """Append the fuzzer's statistics to FUZZ_REPORT, when set."""
    path = os.environ.get("FUZZ_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"fuzzer": name, "examples": stats.examples,
                                     "slowest_seconds": round(stats.slowest, 3), "outcomes": stats.outcomes},
                                    ensure_ascii=False) + "\n")
