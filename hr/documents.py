"""The PDFs HR prints: 学时证明 and evidence packs, laid out from plain blocks of text and tables."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from .credit import PersonCredit
from .pdf import embedded_font

FONT = "HRDocument"
DIGITS = "0123456789"  # page furniture reportlab may draw
BRAND = colors.HexColor("#1d4e89")


@dataclass
class Document:
    """What a PDF says, in order: (kind, content) with kind "title", "text", "small" or "table"."""

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def add(self, kind: str, content) -> "Document":
        self.blocks.append((kind, content))
        return self

    def text(self) -> str:
        """Every character the PDF draws (the font subset holds these glyphs only)."""
        parts = [self.title, DIGITS]
        for kind, content in self.blocks:
            if kind == "table":
                parts.extend(str(cell) for row in content for cell in row)
            else:
                parts.append(str(content))
        return "".join(parts)


def document_pdf(document: Document) -> bytes:
    buffer = io.BytesIO()
    with embedded_font(FONT, document.text()):
        styles = {
            "title": ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, textColor=BRAND, spaceAfter=6),
            "heading": ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=8,
                                      spaceAfter=4, textColor=BRAND),
            "text": ParagraphStyle("text", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK"),
            "small": ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11, wordWrap="CJK"),
            "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK"),
        }
        story = [Paragraph(_escape(document.title), styles["title"])]
        for kind, content in document.blocks:
            story.append(_table(content, styles["cell"]) if kind == "table"
                         else Paragraph(_escape(str(content)), styles[kind]))
        story.append(Spacer(1, 4 * mm))
        pdf = SimpleDocTemplate(buffer, pagesize=A4, title=document.title, leftMargin=15 * mm,
                                rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
        pdf.build(story)
    return buffer.getvalue()


def _table(rows: list[list], style: ParagraphStyle) -> LongTable:
    table = LongTable([[Paragraph(_escape(str(cell)), style) for cell in row] for row in rows], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hours(value: Decimal) -> str:
    return f"{value:.2f}"


def credit_statement_document(statement: PersonCredit) -> Document:
    learner = statement.learner
    scope = f"{statement.year} 年" if statement.year else "全部"
    document = Document(f"学时证明（{scope}）")
    document.add("text", f"姓名：{learner.name}　工号：{learner.employee_no or '—'}　"
                         f"部门：{learner.department or '—'}　岗位：{learner.job_title or '—'}")
    document.add("heading", "线上培训")
    document.add("table", [["课程", "模块", "完成日期", "类别", "学时", "有效学习时长（分钟）", "状态"],
                           *([c.course.title, c.module.title, f"{timezone.localtime(c.completed_at):%Y-%m-%d}",
                              c.category or "未分类", _hours(c.hours), str(c.active_seconds // 60),
                              "已计入" if c.counts else "待计：有效学习时长不足"] for c in statement.online)])
    document.add("heading", "线下培训")
    document.add("table", [["培训名称", "日期", "类别", "学时", "录入人"],
                           *([s.title, f"{s.held_on:%Y-%m-%d}", s.category, _hours(s.hours),
                              s.created_by.name if s.created_by else "—"] for s in statement.offline)])
    line = statement.line
    document.add("heading", "合计")
    document.add("text", f"线上：{_hours(line.online_total)} 学时　线下：{_hours(line.offline_total)} 学时　"
                         f"待计：{_hours(line.pending_total)} 学时")
    document.add("text", f"已计入学时：{_hours(line.counted)}")
    document.add("small", f"开具日期：{statement.issued_on:%Y-%m-%d}")
    return document
