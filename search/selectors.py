"""Search reads: one SQL query per results page (two when no section holds every word)."""

from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString

from accounts.models import Role, User

from .backends import match
from .query import Query
from .snippets import highlight, snippet

PAGE_SIZE = 10
MAX_PAGE = 10_000  # any larger number asks for the last page anyway; this keeps it a small integer

# {match} is the backend's SELECT (id, score). Sections are grouped per module (published and
# draft apart): a module is ranked by its best section and shows that one. Window counts give
# the total, and an offset past the end shows the last page, in the same statement.
RESULTS_SQL = """
WITH hits AS ({match}),
sections AS (
  SELECT s.id, s.module_id, s.draft, h.score, m.position,
         ROW_NUMBER() OVER (PARTITION BY s.module_id, s.draft ORDER BY h.score DESC, s.position) AS nth,
         COUNT(*) OVER (PARTITION BY s.module_id, s.draft) AS matches
  FROM hits h
  JOIN search_section s ON s.id = h.id
  JOIN courses_module m ON m.id = s.module_id
  JOIN courses_course c ON c.id = m.course_id
  WHERE c.archived_at IS NULL
    AND ((NOT s.draft AND m.archived_at IS NULL) OR (s.draft AND %(drafts)s))
),
ranked AS (
  SELECT id, matches, ROW_NUMBER() OVER (ORDER BY score DESC, position, draft) AS n, COUNT(*) OVER () AS total
  FROM sections WHERE nth = 1
),
paged AS (
  SELECT r.*, CASE WHEN %(offset)s < r.total THEN %(offset)s
                   ELSE ((r.total - 1) / %(size)s) * %(size)s END AS first
  FROM ranked r
)
SELECT w.n, w.total, w.matches, s.draft, s.anchor, s.title, s.heading, s.body,
       m.slug, p.title, c.slug, c.title
FROM paged w
JOIN search_section s ON s.id = w.id
JOIN courses_module m ON m.id = s.module_id
JOIN courses_part p ON p.id = m.part_id
JOIN courses_course c ON c.id = m.course_id
WHERE w.n > w.first AND w.n <= w.first + %(size)s
ORDER BY w.n
"""


@dataclass(frozen=True)
class Hit:
    rank: int  # 1 for the best result, counted across pages
    url: str
    draft: bool
    title: SafeString
    heading: SafeString
    snippet: SafeString
    matches: int  # sections of the module that match
    part_title: str
    course_title: str


@dataclass(frozen=True)
class Results:
    query: Query
    hits: list[Hit]
    total: int = 0
    page: int = 1
    loose: bool = False  # no section holds every word: these hold some of them

    @property
    def pages(self) -> int:
        return -(-self.total // PAGE_SIZE)


def page_number(raw: object) -> int:
    """A page number from the URL: anything that is not one is page 1; huge ones are capped."""
    try:
        number = int(str(raw))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def search_results(*, query: Query, user: User, page: object = 1) -> Results:
    if query.empty:
        return Results(query, [])
    drafts = user.has_role(Role.TRAINER)
    number = page_number(page)
    rows, loose = _rows(query, drafts, number, every=True), False
    if not rows and len(query.terms) > 1:
        rows, loose = _rows(query, drafts, number, every=False), True
    if not rows:
        return Results(query, [], loose=loose)
    return Results(query, [_hit(row, query.marks) for row in rows], total=rows[0][1],
                   page=(rows[0][0] - 1) // PAGE_SIZE + 1, loose=loose)


def _rows(query: Query, drafts: bool, page: int, *, every: bool) -> list[tuple]:
    found = match(query.terms, every=every)
    params = {**found.params, "drafts": drafts, "offset": (page - 1) * PAGE_SIZE, "size": PAGE_SIZE}
    with connection.cursor() as cursor:
        cursor.execute(RESULTS_SQL.format(match=found.sql), params)
        return cursor.fetchall()


def _hit(row: tuple, marks: tuple[str, ...]) -> Hit:
    rank, _, matches, draft, anchor, title, heading, body, module_slug, part_title, course_slug, course_title = row
    if draft:
        url = reverse("authoring:edit", args=[course_slug, module_slug])
    else:
        url = reverse("progress:module", args=[course_slug, module_slug]) + (f"#{anchor}" if anchor else "")
    return Hit(rank=rank, url=url, draft=bool(draft), title=highlight(title, marks),
               heading=highlight(heading, marks), snippet=snippet(body, marks), matches=matches,
               part_title=part_title, course_title=course_title)
