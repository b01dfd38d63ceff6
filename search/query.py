"""What a person typed, made safe to search for (pure, no database)."""

from dataclasses import dataclass

from .text import runs, words

MAX_QUERY_CHARS = 100
MAX_TERMS = 12  # a query is ANDed; past a dozen words nothing matches anyway, and cost stays fixed
# Function words people type in questions (什么是留存率, KPI 与 OKR 的区别): required, they would
# hide the sections that answer. Dropped unless the query has nothing else.
_STOPWORDS_TEXT = """
的 了 是 在 和 与 及 或 之 对 把 被 为 从 到 就 都 也 还 很 吗 呢 吧 啊 么 个 有 这 那 哪
什么 怎么 怎样 如何 哪些 哪个 为什么 这个 那个 一个 区别 关系
the of and or to in on is are what how
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Query:
    text: str  # shown back to the person: whitespace collapsed, control characters dropped, capped
    truncated: bool
    terms: tuple[str, ...]  # folded words, each once, in order: what is searched for
    # What results highlight, most telling first: each run as typed (留存率), then each word of two
    # or more characters. A lone Chinese character (率, 域) is marked only inside a run, or every
    # 转化率 on the page would light up.
    marks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms


def query_parse(raw: str | None) -> Query:
    text = " ".join("".join(c for c in (raw or "") if c.isprintable() or c.isspace()).split())
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS].rstrip()
    found = list(dict.fromkeys(words(text)))
    terms = [word for word in found if word not in STOPWORDS] or found
    terms = terms[:MAX_TERMS]
    marks = [*runs(text), *(term for term in terms if len(term) > 1 or term.isascii())]
    return Query(text, truncated, tuple(terms), tuple(dict.fromkeys(marks)))
