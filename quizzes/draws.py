"""Random papers: rules that draw questions from a course's bank by tag (知识点) and difficulty.
Pure: no database. A rule line in a module's quiz reads

    draw: 3 tag 留存 difficulty >= 3
    draw: 2 tag 漏斗

Every attempt draws its own questions; no question is drawn twice for one paper, so rules that
share questions are satisfiable only if the bank holds enough distinct ones for all of them.
"""

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .syntax import Phrase, Problem

DRAW_RE = re.compile(r"^draw\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE)
RULE_RE = re.compile(
    r"^(?P<count>\d+)(?:\s+(?:tag|知识点)\s+(?P<tag>[^\s]+))?"
    r"(?:\s+(?:difficulty|难度)\s*(?P<op>>=|<=|=|≥|≤)\s*(?P<level>\d+))?$", re.IGNORECASE)
MAX_DRAW = 100
TAGS_RE = re.compile(r"^(?:tags|知识点)\s*[:：]\s*(?P<value>.*)$", re.IGNORECASE)
DIFFICULTY_RE = re.compile(r"^(?:difficulty|难度)\s*[:：]\s*(?P<value>.*)$", re.IGNORECASE)
DIFFICULTIES = range(1, 6)


@dataclass(frozen=True)
class DrawRule:
    count: int
    tag: str = ""
    min_difficulty: int = 1
    max_difficulty: int = 5
    line: int = 0

    def accepts(self, tags: Sequence[str], difficulty: int | None) -> bool:
        if self.tag and self.tag not in tags:
            return False
        return difficulty is not None and self.min_difficulty <= difficulty <= self.max_difficulty

    def describe(self) -> Phrase:
        params = {"count": self.count, "tag": self.tag, "low": self.min_difficulty, "high": self.max_difficulty}
        graded = (self.min_difficulty, self.max_difficulty) != (1, 5)
        if self.tag and graded:
            return Phrase("%(count)s question(s) tagged %(tag)r of difficulty %(low)s–%(high)s", params)
        if self.tag:
            return Phrase("%(count)s question(s) tagged %(tag)r", params)
        if graded:
            return Phrase("%(count)s question(s) of difficulty %(low)s–%(high)s", params)
        return Phrase("%(count)s question(s)", params)

    def as_dict(self) -> dict:
        return {"count": self.count, "tag": self.tag, "min": self.min_difficulty, "max": self.max_difficulty}

    @classmethod
    def from_dict(cls, data: dict) -> "DrawRule":
        return cls(count=data["count"], tag=data["tag"], min_difficulty=data["min"], max_difficulty=data["max"])


@dataclass(frozen=True)
class Candidate:
    """A bank question as a draw sees it."""

    key: str
    tags: tuple[str, ...]
    difficulty: int | None


def parse_draw_rule(text: str, line: int) -> tuple[DrawRule | None, Problem | None]:
    """``text`` is what follows 'draw:'."""
    match = RULE_RE.match(text.strip())
    if not match:
        return None, Problem.of(line, "draw rule %(rule)r is not readable; "
                                "write e.g. 'draw: 3 tag 留存 difficulty >= 3'", rule=text.strip())
    count, level = int(match["count"]), match["level"]
    if not 1 <= count <= MAX_DRAW:
        return None, Problem.of(line, "a draw rule takes 1 to %(most)s questions, not %(count)s",
                                      most=MAX_DRAW, count=count)
    low, high = 1, 5
    if level is not None:
        level = int(level)
        if level not in DIFFICULTIES:
            return None, Problem.of(line, "difficulty runs from 1 to 5, not %(level)s", level=level)
        low, high = {">=": (level, 5), "≥": (level, 5), "<=": (1, level), "≤": (1, level), "=": (level, level)}[
            match["op"]]
    return DrawRule(count=count, tag=match["tag"] or "", min_difficulty=low, max_difficulty=high, line=line), None


def draw(rules: Sequence[DrawRule], bank: Sequence[Candidate], rng: random.Random) -> list[str] | None:
    """Keys of a random paper satisfying every rule with distinct questions (rule order, shuffled
    within a rule), or None when the bank cannot satisfy them together."""
    slots = [index for index, rule in enumerate(rules) for _ in range(rule.count)]
    pool = list(bank)
    rng.shuffle(pool)
    owner: dict[int, int] = {}  # candidate position -> slot

    def place(slot: int, seen: set[int]) -> bool:
        rule = rules[slots[slot]]
        for position, candidate in enumerate(pool):
            if position in seen or not rule.accepts(candidate.tags, candidate.difficulty):
                continue
            seen.add(position)
            if position not in owner or place(owner[position], seen):
                owner[position] = slot
                return True
        return False

    if not all(place(slot, set()) for slot in range(len(slots))):
        return None
    by_slot = sorted(owner.items(), key=lambda item: item[1])
    return [pool[position].key for position, _slot in by_slot]


def rule_problems(rules: Sequence[DrawRule], bank: Sequence[Candidate]) -> list[Problem]:
    """Why these rules cannot draw a paper from this bank (empty: they can)."""
    problems = []
    for rule in rules:
        available = sum(rule.accepts(c.tags, c.difficulty) for c in bank)
        if available < rule.count:
            problems.append(Problem.of(rule.line, "the rule asks for %(wanted)s but the course's bank (_bank/) "
                                       "has %(available)s", wanted=rule.describe(), available=available))
    if not problems and rules and draw(rules, bank, random.Random(0)) is None:
        total = sum(rule.count for rule in rules)
        problems.append(Problem.of(rules[0].line, "the draw rules share questions: together they need %(total)s "
                                   "different questions and the bank cannot supply that many that fit", total=total))
    return problems


def parse_tags(value: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,，、]", value) if tag.strip()]
