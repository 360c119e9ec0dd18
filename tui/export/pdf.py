"""Printable PDFs: the dossier and letters, with a bundled Unicode font.

The dossier PDF is typeset from the Markdown dossier itself (``export_markdown``), so
both always say the same thing: headings, paragraphs, lists and tables are read from
the few Markdown forms the dossier writes, its escapes undone, and every piece of text
is written as text (never interpreted as markup). Each page has a header naming the
caller and the case and a footer with its page number. The font is DejaVu Sans,
bundled with the app (``fonts/``, with its licence), so accents, curly quotes, ✓ and €
print on any machine, and the text can be copied and searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tui.domain.text import visible

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"
MARGIN = 18.0
"""Page margins, millimetres."""


class _Document(FPDF):
    """An A4/Letter page with our font, a running header and page numbers."""

    def __init__(self, header_left: str = "", header_right: str = "",
                 paper: str = "Letter") -> None:
        super().__init__(format=paper, unit="mm")
        self.header_left = header_left
        self.header_right = header_right
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN + (6 if header_left or header_right else 0), MARGIN)
        self.set_auto_page_break(True, MARGIN)
        self.alias_nb_pages()
        self.set_creator("Hold the Line")

    def header(self) -> None:
        if not (self.header_left or self.header_right):
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(100, 100, 100)
        self.set_xy(MARGIN, 9)
        width = self.w - 2 * MARGIN
        self.cell(width * 0.65, 5, _fit(self, self.header_left, width * 0.65))
        self.cell(width * 0.35, 5, _fit(self, self.header_right, width * 0.35), align="R")
        self.set_draw_color(180, 180, 180)
        self.line(MARGIN, 15, self.w - MARGIN, 15)
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN, self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(100, 100, 100)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with … to fit ``width`` millimetres in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _clean(text: str) -> str:
    """Text safe to print: control characters shown (``\\x1b``), tabs as spaces."""
    return visible(text, keep_newlines=True)


_HANGING = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")


# -- letters ----------------------------------------------------------------------------
def letter_pdf(text: str, title: str, author: str = "",
               created: datetime | None = None) -> bytes:
    """A letter as a PDF: the text exactly as reviewed, line by line, page numbers below."""
    pdf = _Document()
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(FONT, "", 11)
    for line in _clean(text).split("\n"):
        if not line.strip():
            pdf.ln(5.6)
            continue
        hanging = _HANGING.match(line)
        if hanging is None:
            pdf.multi_cell(0, 5.6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
            continue
        # A list item: wrapped lines line up under its text, not under the dash.
        indent = pdf.get_string_width(hanging.group(0))
        pdf.cell(indent, 5.6, hanging.group(0))
        pdf.set_left_margin(MARGIN + indent)
        pdf.multi_cell(0, 5.6, line[hanging.end():], new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       align="L")
        pdf.set_left_margin(MARGIN)
        pdf.set_x(MARGIN)
    return bytes(pdf.output())


# -- the dossier --------------------------------------------------------------------------
@dataclass
class Run:
    """A stretch of text in one style."""

    text: str
    bold: bool = False


_TABLE_RULE = re.compile(r"^\|(\s*-+\s*\|)+\s*$")
_LIST = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*])|(?P<number>\d+)\.)\s+(?P<text>.*)$")


def runs(markdown: str) -> list[Run]:
    """The dossier's inline Markdown as plain runs: ``\\x`` escapes undone, ``**`` bold,
    backticks dropped."""
    found: list[Run] = []
    buffer: list[str] = []
    bold = False
    index = 0

    def flush() -> None:
        if buffer:
            found.append(Run("".join(buffer), bold))
            buffer.clear()

    while index < len(markdown):
        char = markdown[index]
        if char == "\\" and index + 1 < len(markdown):
            buffer.append(markdown[index + 1])
            index += 2
            continue
        if markdown.startswith("**", index):
            flush()
            bold = not bold
            index += 2
            continue
        if char == "`":
            index += 1
            continue
        buffer.append(char)
        index += 1
    flush()
    return found


def plain(markdown: str) -> str:
    """The dossier's inline Markdown as plain text."""
    return "".join(run.text for run in runs(markdown))


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row (``\\|`` is a bar inside a cell)."""
    cells: list[str] = []
    current: list[str] = []
    index = 0
    inner = row.strip()[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    while index < len(inner):
        char = inner[index]
        if char == "\\" and index + 1 < len(inner):
            current.append(inner[index:index + 2])
            index += 2
            continue
        if char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return [plain(cell) for cell in cells]


class _Dossier:
    def __init__(self, pdf: _Document) -> None:
        self.pdf = pdf
        self.table: list[list[str]] = []
        self.cases = 0

    def write_runs(self, parts: list[Run], size: float, height: float) -> None:
        for part in parts:
            self.pdf.set_font(FONT, "B" if part.bold else "", size)
            self.pdf.write(height, _clean(part.text))
        self.pdf.set_font(FONT, "", size)

    def heading(self, level: int, text: str) -> None:
        size = {1: 18, 2: 15, 3: 12.5, 4: 11}[level]
        pdf = self.pdf
        if level == 2:
            self.cases += 1
            if self.cases > 1:
                pdf.add_page()
        pdf.ln(2 if level > 2 else 0)
        if pdf.will_page_break(size * 1.6):
            pdf.add_page()
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(0, size * 0.5, _clean(plain(text)), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT, align="L")
        pdf.ln(1.5)
        pdf.set_font(FONT, "", 10)

    def paragraph(self, text: str) -> None:
        pdf = self.pdf
        pdf.set_x(pdf.l_margin)
        for number, line in enumerate(text.split("  \n")):
            if number:
                pdf.ln(5)
            self.write_runs(runs(line), 10, 5)
        pdf.ln(6)

    def item(self, indent: int, marker: str, text: str) -> None:
        pdf = self.pdf
        left = MARGIN + 5 * (indent // 2)
        pdf.set_x(left)
        pdf.set_font(FONT, "", 10)
        pdf.cell(5, 5, marker)
        saved = pdf.l_margin
        pdf.set_left_margin(left + 5)
        self.write_runs(runs(text), 10, 5)
        pdf.ln(5)
        pdf.set_left_margin(saved)

    def flush_table(self) -> None:
        if not self.table:
            return
        rows, self.table = self.table, []
        pdf = self.pdf
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        longest = [max(len(rows[0][col]) + 1, max(min(len(row[col]), 40) for row in rows[1:])
                       if len(rows) > 1 else 0) + 2 for col in range(columns)]
        pdf.set_font(FONT, "", 8.5)
        with pdf.table(col_widths=tuple(longest), text_align="LEFT", line_height=4.2,
                       first_row_as_headings=True, padding=1,
                       headings_style=_heading_style()) as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(_clean(value))
        pdf.ln(3)
        pdf.set_font(FONT, "", 10)

    def line(self, text: str) -> None:
        stripped = text.strip()
        if stripped.startswith("|"):
            if not _TABLE_RULE.match(stripped):
                self.table.append(_cells(stripped))
            return
        self.flush_table()
        if not stripped:
            self.pdf.ln(1.5)
            return
        heading = re.match(r"^(#{1,4}) (.*)$", text)
        if heading:
            self.heading(len(heading.group(1)), heading.group(2))
            return
        listed = _LIST.match(text)
        if listed:
            marker = "•" if listed["bullet"] else f"{listed['number']}."
            self.item(len(listed["indent"]), marker, listed["text"])
            return
        self.paragraph(text)


def _heading_style() -> object:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(230, 230, 230))


def dossier_pdf(markdown: str, *, caller: str, case: str,
                created: datetime | None = None) -> bytes:
    """The Markdown dossier typeset as a printable PDF, every page headed with the
    caller and the case and numbered."""
    left = f"Dossier: {case}" if case else "Dossier"
    pdf = _Document(_clean(left), _clean(f"Prepared by {caller}" if caller else ""))
    pdf.set_title(left)
    if caller:
        pdf.set_author(caller)
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    writer = _Dossier(pdf)
    # A paragraph's hard breaks ("  " at the end of a line) keep its lines together.
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        while line.endswith("  ") and index + 1 < len(lines) and lines[index + 1].strip():
            index += 1
            line = line + "\n" + lines[index]
        writer.line(line)
        index += 1
    writer.flush_table()
    return bytes(pdf.output())
