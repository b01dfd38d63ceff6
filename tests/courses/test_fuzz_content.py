"""Fuzz the content pipeline (limits, parse, render, sanitise) with the shapes that have hurt it:
deep nesting, bracket runs, huge tables, many directives, long lines, control characters and
full-width syntax mixed into otherwise valid modules. Whatever the text, the pipeline answers
with problems (each on a real line) or with HTML, within the bound per input (tests/fuzzing.py)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.content.documents import parse_document
from courses.content.loader import SourceFile, render_sources
from tests.coursebuilder import module_text
from tests.fuzzing import FuzzStats, bounded, fuzz_settings, report

CHECK = "::: check\n对吗？\n- [x] 对\n- [ ] 错\n> 因为。\n:::\n"
DIRECTIVES = [CHECK, "::: case 案例\n正文\n:::\n", "::: tip\n提示\n:::\n", "::: reflection r-{n}\n想一想\n:::\n",
              "::: calculator roi\ncost: 100\nrevenue: 250\n:::\n", "::: check\n半截", ":::\n"]
FULLWIDTH = ["：：： case 甲\n", "＝＝＝ quiz ＝＝＝\n", "## ［single］ q\n", "- ［x］ 对\n", "【链接】（http://a）",
             "｜ 甲 ｜ 乙 ｜\n｜－－｜－－｜\n", "－ 列表\n", "＃＃ 标题\n", "answer：true\n"]
RUNS = ["[", "![", "[a](", "](", ">", "> ", "*", "**", "_", "`", "<div>", "&amp;", "|", "\\", "<", "(", "~~~",
        "    ", "\t", "- ", "1. ", ": ", "*[A]: b\n", "#", "\n"]

nesting = st.builds(lambda depth, marker: "".join("    " * i + marker + "层\n" for i in range(depth)),
                    st.integers(0, 40), st.sampled_from(["- ", "1. ", "> ", "* "]))
runs = st.builds(lambda run, count: run * count, st.sampled_from(RUNS), st.integers(0, 6000))
table = st.builds(lambda rows, cols: "|" + " h |" * cols + "\n|" + "---|" * cols + "\n"
                  + ("|" + " [c](x) |" * cols + "\n") * rows, st.integers(0, 1500), st.integers(1, 80))
directives = st.builds(lambda kinds, count: "\n".join(k.replace("{n}", str(i)) for i in range(count) for k in kinds),
                       st.lists(st.sampled_from(DIRECTIVES), min_size=1, max_size=3), st.integers(0, 120))
long_line = st.builds(lambda char, count: char * count, st.sampled_from(["长", "a", "[", " ", "*"]),
                      st.integers(0, 14_000))
controls = st.text(st.characters(max_codepoint=0x9F), max_size=40)
fullwidth = st.lists(st.sampled_from(FULLWIDTH), max_size=6).map("".join)
anything = st.text(max_size=300)
fragment = st.one_of(nesting, runs, table, directives, long_line, controls, fullwidth, anything)
quiz = st.lists(st.sampled_from([
    "## [single] q{n}\n题？\n- [x] 对\n- [ ] 错\n> 解释\n", "## [truefalse] t{n}\n对吗？\nanswer: true\n",
    "## [multiple] m{n}\n选？\n- [x] 甲\n- [x] 乙\n- [ ] 丙\n", "## [numeric] n{n}\n多少？\nanswer: 1 ± 2 %\n",
    "## [single] q{n}\n" + "[" * 500, "## [short] s{n}\n", "- [x]\n" * 30]), max_size=5)


@st.composite
def module_texts(draw) -> str:
    body = "\n".join(draw(st.lists(fragment, max_size=5)))
    questions = "\n".join(q.replace("{n}", str(i)) for i, q in enumerate(draw(quiz)))
    text = module_text(body, quiz=questions)
    if draw(st.booleans()) and draw(st.booleans()):  # now and then, damage the front matter
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["[[[[", "{a: {b: ", "\x00", "：", "\n---\n", "&a *a"])) + text[cut:]
    return text


def check_module_text(text: str) -> str:
    """What validate_content and import_content do with one module file, up to the database."""
    source = SourceFile(Path("fuzz.md"), text, parse_document(text, "module"))
    problems = source.doc.problems or render_sources([source])[0]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1  # as the parser counts
    assert all(1 <= p.line <= lines for p in problems), problems
    assert all("Traceback" not in p.message for p in problems)
    if problems:
        return "refused by the render budget" if "render" in problems[0].message else "problems"
    assert isinstance(source.rendered.body_html, str)
    return "rendered"


STATS = FuzzStats()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    report("content pipeline", STATS)


@pytest.fixture(autouse=True)
def _render_budget(settings):
    settings.CONTENT_RENDER_SECONDS = 3


@fuzz_settings
@given(module_texts())
def test_any_module_text_gets_problems_or_html_within_its_bound(text):
    # "refused by the render budget" is an answer too: the bound held (it depends on the machine's
    # load, so the fuzzer must not treat it as a failure to reproduce)
    assert bounded(check_module_text, text, STATS) in ("problems", "rendered", "refused by the render budget")
