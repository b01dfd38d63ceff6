"""The two full-text engines behind one interface; only services.py and selectors.py use it.

PostgreSQL: a ``tsvector`` per section, written as a literal built here from the segmented words
(title weight A, heading B, body D), so PostgreSQL's own parser and locale never re-cut Chinese
text, matched through a GIN index and ranked with ``ts_rank_cd`` (cover density: terms close
together rank higher; headings weigh far more than body text). SQLite: an FTS5 table with the
same words as space-separated columns, ranked with ``bm25`` weighted 8 / 4 / 1. Query words are
quoted lexemes in both, so nothing a person types (``"``, ``*``, ``NEAR``, ``-``, ``:``, ``'``) is
ever read as an operator.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from .text import indexed_words

MAX_POSITION = 16383  # PostgreSQL's limit for a position in a tsvector
MAX_POSITIONS_PER_WORD = 256  # and for how many positions one lexeme keeps
SQLITE_WEIGHTS = (8.0, 4.0, 1.0)
# ts_rank_cd's weights for D (body), C, B (heading), A (title). Cover density adds up every
# occurrence without saturating (bm25 does), so a body word weighs little: a section whose heading
# names the term outranks one that only repeats it (an exercise using 留存率 in each question).
POSTGRES_WEIGHTS = "{0.02, 0.05, 0.5, 1.0}"


@dataclass(frozen=True)
class Document:
    section_id: int
    title: str
    heading: str
    body: str


@dataclass(frozen=True)
class Match:
    """The backend part of a search: a SELECT of (id, score) for matching sections, best first."""

    sql: str
    params: dict


def documents_write(documents: list[Document]) -> None:
    if not documents:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows = ", ".join(["(%s, %s)"] * len(documents))
            params = [value for d in documents for value in (d.section_id, tsvector_literal(d))]
            cursor.execute(f"UPDATE search_section AS s SET document = v.document::tsvector "
                           f"FROM (VALUES {rows}) AS v(id, document) WHERE s.id = v.id", params)
        else:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, heading, body) VALUES (%s, %s, %s, %s)",
                [(d.section_id, *(_joined(text) for text in (d.title, d.heading, d.body))) for d in documents])


def match(terms: tuple[str, ...], *, every: bool) -> Match:
    """Sections holding every term (``every``) or any of them, scored (higher is better)."""
    if connection.vendor == "postgresql":
        query = (" & " if every else " | ").join(_lexeme(term) for term in terms)
        return Match(f"SELECT id, ts_rank_cd('{POSTGRES_WEIGHTS}', document, %(tsquery)s::tsquery, 1) AS score "
                     "FROM search_section WHERE document @@ %(tsquery)s::tsquery", {"tsquery": query})
    quoted = [f'"{term}"' for term in terms]
    expression = " ".join(quoted) if every else " OR ".join(quoted)
    if every and len(terms) > 1:
        # Same rows; the NEAR group scores again where the words stand close together.
        expression = f"({expression}) OR NEAR({' '.join(quoted)}, {2 * len(terms)})"
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    return Match(f"SELECT rowid AS id, -bm25(search_fts, {weights}) AS score FROM search_fts "
                 "WHERE search_fts MATCH %(fts)s", {"fts": expression})


def tsvector_literal(document: Document) -> str:
    positions: dict[str, list[str]] = defaultdict(list)
    start = 1
    for text, weight in ((document.title, "A"), (document.heading, "B"), (document.body, "")):
        last = start
        for word, offset in indexed_words(text):
            last = min(start + offset, MAX_POSITION)
            if len(positions[word]) < MAX_POSITIONS_PER_WORD:
                positions[word].append(f"{last}{weight}")
        start = min(last + 2, MAX_POSITION)  # a gap: the title's last word and the heading's first are not a phrase
    return " ".join(f"{_lexeme(word)}:{','.join(dict.fromkeys(found))}" for word, found in positions.items())


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _joined(text: str) -> str:
    return " ".join(word for word, _ in indexed_words(text))
