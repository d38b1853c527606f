"""Write the Word templates of the protocol and the registration sheet (docxtpl tags inside).

The .docx files next to this script are what the platform renders; they are kept in the repository so that a
municipality's lawyer can open and adjust the wording in Word. This script is how they were made and how to
make them again after a change of structure:

    .venv/bin/python sosedi/meetings/docx/build_templates.py
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    return doc


def _centered(doc, text, *, bold=False, size=None):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _line(doc, label, value):
    paragraph = doc.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(value)
    return paragraph


def protocol() -> None:
    doc = _document()
    _centered(doc, "ПРОТОКОЛ", bold=True, size=14)
    _centered(doc, "{{ heading }}", bold=True)
    _centered(doc, "{{ tos_name }}")
    _line(doc, "Дата и время: ", "{{ when }}")
    _line(doc, "Место проведения: ", "{{ place }}")
    _line(doc, "Форма проведения: ", "{{ format }}")
    _line(doc, "Инициатор созыва: ", "{{ convened_by }}")
    _line(doc, "Оповещение участников: ", "{{ called_on }}")
    _line(doc, "{{ base_label }}: ", "{{ base }}")
    _line(doc, "Зарегистрировано участников: ", "{{ present_total }}, из них {{ present_split }}")
    doc.add_paragraph("{{ remote_note }}")
    _line(doc, "Правомочность: ", "{{ quorum_line }}")
    _line(doc, "Председательствующий: ", "{{ presiding }}")
    _line(doc, "Секретарь: ", "{{ secretary }}")
    doc.add_paragraph()
    _centered(doc, "ПОВЕСТКА ДНЯ", bold=True)
    doc.add_paragraph("{%p for item in items %}")
    doc.add_paragraph("{{ item.position }}. {{ item.title }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph()
    _centered(doc, "РАССМОТРЕНИЕ ВОПРОСОВ И РЕШЕНИЯ", bold=True)
    doc.add_paragraph("{%p for item in items %}")
    heading = doc.add_paragraph()
    heading.add_run("{{ item.position }}. {{ item.title }}").bold = True
    # Conditional paragraphs ({%p if %}) vanish with their condition, so an item without a vote or an
    # ordinary question leaves no blank lines in the protocol.
    doc.add_paragraph("{%p if item.kind %}")
    doc.add_paragraph("{{ item.kind }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if item.votes %}")
    doc.add_paragraph("{{ item.votes }}")
    doc.add_paragraph("{%p endif %}")
    result = doc.add_paragraph()
    result.add_run("{{ item.result }}").bold = True
    doc.add_paragraph("{%p if item.rule %}")
    doc.add_paragraph("{{ item.rule }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph()
    doc.add_paragraph("Председательствующий ____________________ / {{ presiding }} /")
    doc.add_paragraph("Секретарь ____________________ / {{ secretary }} /")
    doc.add_paragraph()
    note = doc.add_paragraph()
    note.add_run("Запись о собрании на платформе «Соседи» защищена цепочкой хешей. Итоговый хеш: ").italic = True
    note.add_run("{{ record_hash }}").italic = True
    check = doc.add_paragraph()
    check.add_run("Проверить, что запись не изменена: {{ verify_url }}").italic = True
    doc.add_paragraph("Протокол сформирован {{ generated }}.")
    doc.save(HERE / "protocol.docx")


def registration_sheet() -> None:
    doc = _document()
    _centered(doc, "ЛИСТ РЕГИСТРАЦИИ УЧАСТНИКОВ", bold=True, size=14)
    _centered(doc, "{{ heading }}")
    _centered(doc, "{{ tos_name }}, {{ when }}, {{ place }}")
    doc.add_paragraph("{{ base_label }}: {{ base }}. Зарегистрировано: {{ total }}.")
    table = doc.add_table(rows=3, cols=7)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ["№", "Фамилия, имя, отчество", "Адрес", "Год рождения", "Как участвует", "Кто внёс", "Подпись"],
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for p in participants %}"
    for cell, text in zip(
        table.rows[2].cells,
        ["{{ p.n }}", "{{ p.name }}", "{{ p.address }}", "{{ p.year }}", "{{ p.mode }}", "{{ p.entered_by }}", ""],
        strict=True,
    ):
        cell.text = text
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    doc.add_paragraph("Секретарь ____________________ / {{ secretary }} /")
    doc.add_paragraph("Лист сформирован {{ generated }}.")
    doc.save(HERE / "registration_sheet.docx")


if __name__ == "__main__":
    protocol()
    registration_sheet()
    print("written:", HERE / "protocol.docx", HERE / "registration_sheet.docx")
