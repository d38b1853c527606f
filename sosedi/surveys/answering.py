"""Reading a section's submitted form into answer rows, with a Russian error per question.

Field names: `q<id>` (one value, or several for multiple choice), `q<id>_other` (the «другое» text),
`q<id>_r<row id>` (matrix: the column chosen for a row), `q<id>_o<option id>` (ranking: the place given).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import Option, OptionRole, Question, QuestionKind

TEXT_MAX = 4000


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    chosen: set[int] = field(default_factory=set)


def plain(number: Decimal) -> str:
    """20.00 → «20», 3.50 → «3,5»: how a person writes a number, not 2E+1."""
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def is_visible(question: Question, chosen: set[int]) -> bool:
    return question.show_if_option_id is None or question.show_if_option_id in chosen


def _choices(question: Question) -> list[Option]:
    return [o for o in question.options.all() if o.role == OptionRole.CHOICE]


def _rows(question: Question) -> list[Option]:
    return [o for o in question.options.all() if o.role == OptionRole.ROW]


def _ids(values: list[str]) -> list[int] | None:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        return None


def parse_question(question: Question, data, out: Parsed) -> None:  # noqa: C901 — one branch per question type
    name = field_name(question)
    kind = question.kind
    values = [v for v in data.getlist(name) if str(v).strip() != ""] if hasattr(data, "getlist") else []
    required = question.required

    def fail(message: str) -> None:
        out.errors[name] = message

    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = {o.pk: o for o in _choices(question)}
        ids = _ids(values)
        if ids is None or any(i not in options for i in ids):
            return fail(_("Выберите вариант из списка."))
        if kind == QuestionKind.SINGLE and len(ids) > 1:
            return fail(_("Здесь можно выбрать только один вариант."))
        if not ids:
            return fail(_("Ответьте на этот вопрос.")) if required else None
        other_text = str(data.get(f"{name}_other", "")).strip()[:TEXT_MAX]
        for i in dict.fromkeys(ids):
            if options[i].is_other and not other_text:
                return fail(_("Вы выбрали «другое» — напишите, что именно."))
            out.rows.append({"option_id": i, "text": other_text if options[i].is_other else ""})
            out.chosen.add(i)
        return None

    if kind == QuestionKind.SCALE:
        if not values:
            return fail(_("Ответьте на этот вопрос.")) if required else None
        try:
            value = int(values[0])
        except ValueError:
            return fail(_("Выберите значение на шкале."))
        if not question.scale_min <= value <= question.scale_max:
            return fail(
                _("Выберите значение от %(lo)s до %(hi)s.") % {"lo": question.scale_min, "hi": question.scale_max}
            )
        out.rows.append({"number": Decimal(value)})
        return None

    if kind == QuestionKind.NUMBER:
        if not values:
            return fail(_("Ответьте на этот вопрос.")) if required else None
        try:
            number = Decimal(str(values[0]).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            return fail(_("Введите число, например 12 или 3,5."))
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            return fail(_("Введите число, например 12 или 3,5."))
        if question.number_min is not None and number < question.number_min:
            return fail(_("Число должно быть не меньше %(n)s.") % {"n": plain(question.number_min)})
        if question.number_max is not None and number > question.number_max:
            return fail(_("Число должно быть не больше %(n)s.") % {"n": plain(question.number_max)})
        out.rows.append({"number": number.quantize(Decimal("0.01"))})
        return None

    if kind == QuestionKind.DATE:
        if not values:
            return fail(_("Ответьте на этот вопрос.")) if required else None
        try:
            value = date.fromisoformat(str(values[0]))
        except ValueError:
            return fail(_("Введите дату в виде ГГГГ-ММ-ДД, например 2026-11-25."))
        if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            return fail(_("Проверьте год в дате."))
        out.rows.append({"date": value})
        return None

    if kind == QuestionKind.TEXT:
        text = str(values[0]).strip() if values else ""
        if not text:
            return fail(_("Ответьте на этот вопрос.")) if required else None
        if len(text) > TEXT_MAX:
            return fail(_("Ответ длиннее %(n)s знаков — сократите его.") % {"n": TEXT_MAX})
        out.rows.append({"text": text})
        return None

    if kind == QuestionKind.MATRIX:
        columns = {o.pk for o in _choices(question)}
        answered = []
        for row in _rows(question):
            raw = str(data.get(f"{name}_r{row.pk}", "")).strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) not in columns:
                return fail(_("В строке «%(row)s» выберите вариант из списка.") % {"row": row.label})
            answered.append({"row_id": row.pk, "option_id": int(raw)})
        if required and len(answered) < len(_rows(question)):
            return fail(_("Ответьте по каждой строке таблицы."))
        out.rows.extend(answered)
        return None

    if kind == QuestionKind.RANKING:
        options = _choices(question)
        ranks = {}
        for option in options:
            raw = str(data.get(f"{name}_o{option.pk}", "")).strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= len(options):
                return fail(_("Места — числа от 1 до %(n)s.") % {"n": len(options)})
            ranks[option.pk] = int(raw)
        if len(set(ranks.values())) != len(ranks):
            return fail(_("Одно и то же место дано двум вариантам — у каждого своё место."))
        if required and len(ranks) < len(options):
            return fail(_("Расставьте места всем вариантам."))
        if not required and ranks and len(ranks) < len(options):
            return fail(_("Расставьте места всем вариантам или оставьте все поля пустыми."))
        out.rows.extend({"option_id": pk, "rank": rank} for pk, rank in ranks.items())
        return None
    return None


def parse_section(questions: list[Question], data, chosen_before: set[int]) -> Parsed:
    """Answers of the section's visible questions; a hidden question is neither required nor kept."""
    out = Parsed(chosen=set(chosen_before))
    for question in questions:
        if not is_visible(question, out.chosen):
            continue
        start = len(out.rows)
        parse_question(question, data, out)
        for row in out.rows[start:]:
            row["question_id"] = question.pk
    return out
