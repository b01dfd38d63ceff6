"""Write small course trees to disk for tests, in the real content format."""

from pathlib import Path
from textwrap import dedent

COURSE = """\
---
title: 测试课程
slug: {slug}
pass_mark: 80
---
一门用于测试的课程。
"""

PART = """\
---
title: 第{order}部分
slug: part-{order}
order: {order}
---
部分说明。
"""

MODULE = """\
---
title: 模块{order}
slug: {slug}
order: {order}
minutes: 10
objectives:
  - 目标甲
  - 目标乙
---
## 第一节

模块 {slug} 的正文。

=== quiz ===

## [single] q-one
第一题？
- [x] 对的
- [ ] 错的
> 因为对。

## [truefalse] q-two
第二题对吗？
answer: true
> 是对的。
"""


def write_course(root: Path, *, slug: str = "test-course", parts: int = 1,
                 modules_per_part: int = 3) -> Path:
    course = root / slug
    course.mkdir(parents=True, exist_ok=True)
    (course / "_course.md").write_text(COURSE.format(slug=slug), encoding="utf-8")
    for p in range(1, parts + 1):
        part = course / f"{p:02d}-part"
        part.mkdir(exist_ok=True)
        (part / "_part.md").write_text(PART.format(order=p), encoding="utf-8")
        for m in range(1, modules_per_part + 1):
            module_slug = f"m-{p}-{m}"
            (part / f"{m:02d}-{module_slug}.md").write_text(
                MODULE.format(order=m, slug=module_slug), encoding="utf-8")
    return course


def module_file(course: Path, part: int = 1, module: int = 1) -> Path:
    return course / f"{part:02d}-part" / f"{module:02d}-m-{part}-{module}.md"


def module_text(body: str, *, quiz: str = "", **meta) -> str:
    fields = {"title": "模块", "slug": "m", "order": 1, "minutes": 5, **meta}
    head = "".join(f"{k}: {v}\n" for k, v in fields.items())
    text = f"---\n{head}objectives:\n  - 目标\n---\n{dedent(body)}"
    return text + (f"\n=== quiz ===\n{dedent(quiz)}" if quiz else "")
