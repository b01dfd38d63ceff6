"""The glossary file: every bad entry reported with its line; terms linked once per module, safely."""

import pytest
from django.core.management import CommandError, call_command

from courses.content.documents import parse_document
from courses.content.glossary import TermLink, link_terms, parse_glossary
from courses.content.rendering import Library, render_body
from tests.coursebuilder import module_text

HEAD = "---\ntitle: 术语表\n---\n"
ENTRY = "## 留存率\nid: retention-rate\nmodule: m-1-1\n回来的人所占的比例。\n"


def problems(text: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse_glossary(text).problems]


def test_a_good_entry_has_its_fields_and_definition():
    glossary = parse_glossary(HEAD + "介绍。\n\n## ARPU\nid: arpu\nfull: 每用户平均收入\n"
                              "aliases: 平均每用户收入 | 单用户平均收入\nmodule: m-1-1\n"
                              "总收入 ÷ 用户数。\n\n第二段。\n")
    (term,) = glossary.terms
    assert glossary.problems == [] and glossary.intro == "介绍。"
    assert (term.name, term.key, term.full, term.module) == ("ARPU", "arpu", "每用户平均收入", "m-1-1")
    assert term.aliases == ["平均每用户收入", "单用户平均收入"]
    assert term.definition == "总收入 ÷ 用户数。\n\n第二段。"


@pytest.mark.parametrize(("entry", "expected"), [
    ("## 留存率\nmodule: m-1-1\n定义。\n", "4: term '留存率' needs an 'id: …' line"),
    ("## 留存率\nid: Retention Rate\nmodule: m-1-1\n定义。\n", "5: term '留存率': id 'Retention Rate' must be"),
    ("## 留存率\nid: retention\n定义。\n", "4: term '留存率' needs a 'module: <slug>' line"),
    ("## 留存率\nid: retention\nmodule: m-1-1\n", "4: term '留存率' has no definition"),
    ("## 留存率\nid: retention\nmodlue: m-1-1\n定义。\n", "6: term '留存率': unknown field 'modlue'"),
    ("## 留存率\nid: retention\nid: again\nmodule: m-1-1\n定义。\n", "6: term '留存率': field 'id' is given twice"),
    ("## 留存率\nid: retention\nmodule：m-1-1\n定义。\n", "6: full-width characters in the field line"),
    ("＃＃ 留存率\nid: retention\nmodule: m-1-1\n定义。\n", "4: full-width '＃' in a term heading"),
    ("## \nid: x\nmodule: m-1-1\n定义。\n", "4: a term heading needs the term after '## '"),
    (ENTRY + "## 留存率\nid: other\nmodule: m-1-1\n定义。\n", "8: term '留存率' duplicates '留存率' on line 4"),
    (ENTRY + "## 复购率\nid: retention-rate\nmodule: m-1-1\n定义。\n",
     "9: term id 'retention-rate' is already used on line 4"),
    (ENTRY + "## 复购率\nid: repeat\naliases: 留存率\nmodule: m-1-1\n定义。\n",
     "10: alias '留存率' duplicates '留存率' on line 4"),
])
def test_every_bad_entry_is_reported_with_its_line(entry, expected):
    assert any(p.startswith(expected) for p in problems(HEAD + entry)), problems(HEAD + entry)


def test_an_alias_may_differ_from_its_own_term_only_in_punctuation():
    assert problems(HEAD + "## A/B 测试\nid: ab\naliases: AB 测试\nmodule: m-1-1\n定义。\n") == []


def test_validate_content_checks_module_slugs_and_reserved_slugs(course_dir, capsys):
    (course_dir / "_glossary.md").write_text(HEAD + "## 留存率\nid: r\nmodule: no-such-module\n定义。\n",
                                             encoding="utf-8")
    (course_dir / "01-part" / "04-glossary.md").write_text(module_text("正文\n", slug="glossary", order=4),
                                                            encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(course_dir.parent))
    lines = capsys.readouterr().err.strip().splitlines()
    assert any(line.endswith("_glossary.md:6: term '留存率': no module with slug 'no-such-module' in this course")
               for line in lines)
    assert any(line.endswith("04-glossary.md:1: slug 'glossary' is reserved for a course page; choose another")
               for line in lines)


def test_validate_content_checks_a_single_glossary_file(course_dir, capsys):
    path = course_dir / "_glossary.md"
    path.write_text(HEAD + "## 留存率\nid: r\n定义。\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(path))
    assert "_glossary.md:4: term '留存率' needs a 'module: <slug>' line" in capsys.readouterr().err


# --- linking ------------------------------------------------------------------------------------

LINKS = [TermLink("roi", "ROI", "/g/#roi", "投资回报率"), TermLink("retention", "留存率", "/g/#retention", "留存"),
         TermLink("ab", "A/B 测试", "/g/#ab", 'say "hi" <b>')]


def link(html: str, seen: set[str] | None = None) -> str:
    return link_terms(html, LINKS, set() if seen is None else seen)


def test_only_the_first_use_of_a_term_is_linked():
    html = link("<p>ROI 很重要。再说一次 ROI。</p>")
    assert html.count('href="/g/#roi"') == 1 and html.endswith("再说一次 ROI。</p>")


def test_headings_links_code_and_table_headers_are_left_alone():
    html = link('<h2 id="x">ROI</h2><p><a href="/x">ROI</a> <code>ROI</code></p><table><tr><th>ROI</th></tr>'
                "<tr><td>ROI</td></tr></table>")
    assert html.count("/g/#roi") == 1
    assert '<td><a href="/g/#roi"' in html


def test_ascii_terms_match_whole_words_and_chinese_terms_match_inside_words():
    html = link("<p>ROIC 不是 ROI；次日留存率也算留存率。</p>")
    assert "ROIC 不是 <a" in html and ">ROI</a>" in html
    assert "次日<a" in html


def test_spacing_between_latin_and_chinese_does_not_matter():
    assert 'href="/g/#ab"' in link("<p>先做A/B测试。</p>")


def test_the_title_is_escaped_and_the_result_sanitised():
    html = link("<p>A/B 测试</p>")
    assert 'title="say &quot;hi&quot; &lt;b&gt;"' in html and "<b>" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_seen_terms_stay_unlinked_across_pieces():
    seen: set[str] = set()
    link("<p>ROI</p>", seen)
    assert "href" not in link("<p>ROI</p>", seen)


def test_a_module_links_each_term_once_across_text_and_boxes():
    doc = parse_document(module_text("## 标题 ROI\n\n::: tip 提示\n留存率先看。\n:::\n\nROI 与留存率。\n"), "module")
    html, toc = render_body(doc, Library(terms=tuple(LINKS)))
    assert html.count("/g/#retention") == 1 and html.count("/g/#roi") == 1
    assert html.index("/g/#retention") < html.index("/g/#roi") and "</a> 与留存率。" in html
    assert toc == [{"level": 2, "id": "标题-roi", "title": "标题 ROI"}]


@pytest.mark.parametrize(("entry", "expected"), [
    ("## 留存率\nmodule: m-1-1\n定义。\n", "4: 术语 '留存率' 需要一行 'id: …'（它在术语表页面上的锚点）"),
    ("## 留存率\nid: retention\nid: again\nmodule: m-1-1\n定义。\n",
     "6: 术语 '留存率'：字段 'id' 写了两次（第一次在第 5 行）"),
    ("## 留存率\nid: retention\nmodule：m-1-1\n定义。\n",
     "6: 字段行 'module：m-1-1' 里有全角字符；请写成 'module: …'，用半角冒号"),
    (ENTRY + "## 复购率\nid: repeat\naliases: 留存率\nmodule: m-1-1\n定义。\n",
     "10: 别名 '留存率' 与第 4 行的 '留存率' 重复；每个名称只能对应一个术语"),
])
def test_glossary_problems_are_told_in_the_reader_language(entry, expected):
    from django.utils import translation

    found = parse_glossary(HEAD + entry).problems
    with translation.override("zh-hans"):
        assert expected in [f"{p.line}: {p.localised()}" for p in found]
    with translation.override("en"):
        assert [p.localised() for p in found] == [p.message for p in found]
