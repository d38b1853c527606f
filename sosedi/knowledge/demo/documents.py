"""The Word templates of the starter library, with the docxtpl placeholders the platform's generators fill
(`{{ tos_name }}`, `{%tr for … %}`). The protocol and the registration sheet are the very files the meetings
capability renders (sosedi/meetings/docx/); the others are built here with python-docx, in memory."""

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

MEETINGS_DOCX = Path(__file__).resolve().parents[2] / "meetings" / "docx"


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


def _table(doc, header: list[str], row: list[str], loop: str):
    table = doc.add_table(rows=3, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, row, strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"


def charter(doc):
    _centered(doc, "УТВЕРЖДЁН", bold=True)
    _centered(doc, "решением собрания (конференции) граждан от {{ adopted_on }}, протокол № {{ protocol_number }}")
    _centered(doc, "УСТАВ", bold=True, size=14)
    _centered(doc, "территориального общественного самоуправления «{{ tos_name }}»", bold=True)
    sections = [
        ("1. Территория", "ТОС осуществляется в границах: {{ territory_description }}, установленных решением "
         "{{ boundary_body }} от {{ boundary_date }} № {{ boundary_number }} (ч. 2 ст. 27 131-ФЗ)."),
        ("2. Цели, задачи, формы и основные направления деятельности",
         "Основные направления: {{ directions }}. Формы: собрания и конференции граждан, органы ТОС."),
        ("3. Органы ТОС", "Органы ТОС: {{ bodies }}. Срок полномочий — {{ term_years }} года. Порядок "
         "формирования и прекращения полномочий, права и обязанности органов: …"),
        ("4. Порядок принятия решений", "Собрание правомочно при участии не менее 1/3 жителей территории, "
         "достигших 16 лет (ч. 6 ст. 27 131-ФЗ). Решения принимаются {{ majority }}. Дистанционные участники "
         "учитываются в кворуме: {{ remote_counts }}. Оповещение — не позднее чем за {{ notice_days }} дней."),
        ("5. Имущество и финансовые средства",
         "Порядок приобретения имущества, пользования и распоряжения им и финансовыми средствами: …"),
        ("6. Прекращение осуществления ТОС", "ТОС прекращается по решению собрания (конференции) граждан …"),
    ]  # fmt: skip
    for title, text in sections:
        doc.add_paragraph().add_run(title).bold = True
        doc.add_paragraph(text)


def notice(doc):
    _centered(doc, "УВАЖАЕМЫЕ ЖИТЕЛИ!", bold=True, size=14)
    _centered(doc, "ТОС «{{ tos_name }}»")
    doc.add_paragraph("{{ convened_by }} созывает {{ kind }} граждан, осуществляющих территориальное общественное "
                      "самоуправление.")  # fmt: skip
    doc.add_paragraph("Когда: {{ when }}. Где: {{ place }}. {{ link }}")
    doc.add_paragraph().add_run("Повестка дня:").bold = True
    doc.add_paragraph("{%p for item in items %}")
    doc.add_paragraph("{{ item.position }}. {{ item.title }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("Собрание правомочно, если участвуют не менее {{ quorum_needed }} из {{ base }} жителей 16 лет и "
                      "старше (ч. 6 ст. 27 131-ФЗ). Возьмите с собой документ, подтверждающий адрес.")  # fmt: skip
    doc.add_paragraph("Материалы к собранию: {{ materials_url }}")
    doc.add_paragraph("Объявление размещено {{ called_on }}.")


def initiative_form(doc):
    _centered(doc, "ИНИЦИАТИВНЫЙ ПРОЕКТ", bold=True, size=14)
    _centered(doc, "«{{ title }}»", bold=True)
    doc.add_paragraph("В администрацию {{ municipality }}. Инициатор: {{ initiator }}.")
    parts = [
        ("1. Описание проблемы", "{{ problem }}"),
        ("2. Обоснование предложений по её решению", "{{ justification }}"),
        ("3. Ожидаемый результат", "{{ expected_result }}"),
        ("4. Предварительный расчёт расходов", "{{ cost_estimate }}"),
        ("5. Планируемые сроки реализации", "{{ timeline }}"),
        ("6. Финансовое, имущественное и (или) трудовое участие заинтересованных лиц", "{{ participation }}"),
        ("7. Объём средств местного бюджета (без инициативных платежей)", "{{ budget_amount }}"),
        ("8. Территория реализации", "{{ territory }}"),
        ("9. Иные сведения по решению представительного органа", "{{ other }}"),
    ]
    for title, value in parts:
        doc.add_paragraph().add_run(title).bold = True
        doc.add_paragraph(value)
    doc.add_paragraph("Приложения: протокол собрания (конференции) граждан, результаты опроса и (или) подписные листы "
                      "(ч. 4 ст. 26.1 131-ФЗ).")  # fmt: skip


def signature_sheet(doc):
    _centered(doc, "ПОДПИСНОЙ ЛИСТ", bold=True, size=14)
    _centered(doc, "в поддержку инициативного проекта «{{ title }}»")
    doc.add_paragraph("Территория: {{ territory }}. Подписи собирает: {{ collector }}.")
    _table(
        doc,
        ["№", "Фамилия, имя, отчество", "Адрес места жительства", "Дата", "Согласие на обработку ПД", "Подпись"],
        ["{{ s.n }}", "{{ s.name }}", "{{ s.address }}", "{{ s.date }}", "{{ s.consent }}", ""],
        "s in signatures",
    )
    doc.add_paragraph("Подписывая, я даю согласие {{ operator }} на обработку моих фамилии, имени, отчества и адреса в "
                      "целях поддержки инициативного проекта до {{ keep_until }}; согласие можно отозвать письменно "
                      "(ст. 9 152-ФЗ).")  # fmt: skip


def charter_application(doc):
    doc.add_paragraph("В {{ registering_body }}")
    doc.add_paragraph("от {{ applicant }}, {{ applicant_role }}, адрес: {{ applicant_address }}, тел. {{ phone }}")
    _centered(doc, "ЗАЯВЛЕНИЕ", bold=True, size=14)
    _centered(doc, "о регистрации устава территориального общественного самоуправления")
    doc.add_paragraph("Прошу зарегистрировать устав ТОС «{{ tos_name }}», принятый собранием (конференцией) граждан "
                      "{{ adopted_on }} (ч. 5 ст. 27 131-ФЗ).")  # fmt: skip
    doc.add_paragraph().add_run("Прилагаю:").bold = True
    for n, item in enumerate(
        [
            "протокол учредительного собрания (конференции) граждан;",
            "решение представительного органа об установлении границ ТОС;",
            "устав ТОС в {{ copies }} экземплярах;",
            "список членов органов ТОС (ФИО, дата рождения, адрес).",
        ],
        start=1,
    ):
        doc.add_paragraph(f"{n}. {item}")
    doc.add_paragraph("{{ date }}            ____________________ / {{ applicant }} /")


BUILDERS = {
    "charter": charter,
    "notice": notice,
    "initiative_form": initiative_form,
    "signature_sheet": signature_sheet,
    "charter_application": charter_application,
}
FROM_MEETINGS = {"protocol": "protocol.docx", "registration_sheet": "registration_sheet.docx"}


def template_bytes(code: str) -> bytes:
    if code in FROM_MEETINGS:
        return (MEETINGS_DOCX / FROM_MEETINGS[code]).read_bytes()
    doc = _document()
    BUILDERS[code](doc)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
