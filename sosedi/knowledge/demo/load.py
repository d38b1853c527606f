"""The knowledge part of the demo story, built through the services like real work:

- staff@ (Жуковская, association staff) wrote the starter library and the templates; expert@ (Орлов) checked and
  published them;
- an article on conferences waits in the review queue for the expert;
- the article on reviewing initiative projects is marked «устарело» while 33-ФЗ is being checked;
- member@ asked whether a ТОС may meet in a messenger chat; the administrator answered and published the answer;
  another resident's question waits for staff.

Idempotent: a material whose address exists is left alone, a question whose text exists is not asked again.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from sosedi.accounts.models import User
from sosedi.territories.models import Direction

from .. import services
from ..models import Material, Question, Topic
from .documents import template_bytes
from .library import ARTICLES, LAW_TEXTS, QA, TEMPLATES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

IN_REVIEW = {
    "slug": "kak-provesti-konferentsiyu-tos",
    "kind": "article",
    "title": "Как провести конференцию ТОС вместо собрания",
    "summary": "Когда большой ТОС собирает делегатов, как их избрать и посчитать кворум.",
    "legal_refs": "ч. 6 ст. 27 131-ФЗ; ст. 30 131-ФЗ; устав ТОС",
    "topics": ["quorum", "meeting-procedure"],
    "directions": [],
    "audiences": ["activist"],
    "body": "<p>Если жителей много и собрать треть невозможно, устав ТОС может предусмотреть конференцию "
    "(ст. 30 131-ФЗ). Делегатов избирают по норме представительства из устава. Конференция правомочна при участии "
    "не менее двух третей избранных делегатов, представляющих не менее трети жителей 16+ (ч. 6 ст. 27 131-ФЗ).</p>",
}
OUTDATED = ("rassmotrenie-initsiativnogo-proekta", "33-ФЗ 2025 года: статья об инициативных проектах ещё не сверена; "
            "сроки и основания отказа проверяет юрист ассоциации.")  # fmt: skip
ANSWERED = (
    "Можно ли провести собрание нашего ТОС в чате мессенджера, если люди не могут прийти во двор?",
    "Можно ли проводить собрание ТОС онлайн?",
    "Только если это прямо разрешает устав ТОС: порядок собраний для ТОС определяет устав (ст. 29, п. 4 ч. 9 "
    "ст. 27 131-ФЗ). Прямой федеральной нормы об электронном участии нет. Чат не подходит: в нём нельзя надёжно "
    "установить, что голосует житель территории, и посчитать кворум. Используйте видеосвязь с регистрацией "
    "участников (на платформе — раздел «Собрания») и внесите норму о дистанционном участии в устав.",
)
WAITING = "Наш ТОС получил грант от области. Нужно ли платить с него налог, если ТОС не юридическое лицо?"


def _user(email):
    return User.objects.get(email=email)


def _create(entry, *, author, reviewer, topics, directions, publish=True):
    if Material.objects.filter(slug=entry["slug"]).exists():
        return None
    audiences = set(entry["audiences"])
    material = services.material_create(
        actor=author,
        kind=entry["kind"],
        title=entry["title"],
        summary=entry["summary"],
        body=entry["body"],
        slug=entry["slug"],
        legal_refs=entry["legal_refs"],
        scope=entry.get("scope", "federal"),
        for_residents="resident" in audiences,
        for_activists="activist" in audiences,
        for_officials="official" in audiences,
        topics=[topics[c] for c in entry["topics"]],
        directions=[directions[c] for c in entry["directions"]],
    )
    services.material_submit(actor=author, material=material)
    if publish:
        services.material_publish(actor=reviewer, material=material)
    return material


def load() -> None:
    staff, expert, admin = (_user(e) for e in ("staff@demo.sosedi.ru", "expert@demo.sosedi.ru", "admin@demo.sosedi.ru"))
    topics = {t.code: t for t in Topic.objects.all()}
    directions = {d.code: d for d in Direction.objects.all()}
    created = set()
    for entry in [*ARTICLES, *LAW_TEXTS, *QA]:
        if _create(entry, author=staff, reviewer=expert, topics=topics, directions=directions):
            created.add(entry["slug"])
    for slug, title, code, summary, refs, topic_codes in TEMPLATES:
        entry = {
            "slug": slug,
            "kind": "template",
            "title": title,
            "summary": summary,
            "legal_refs": refs,
            "topics": topic_codes,
            "directions": [],
            "audiences": ["activist", "official"],
            "body": f"<p>{summary}</p><p>Скачайте файл DOCX и заполните поля в фигурных скобках "
            "(<code>{{ tos_name }}</code> и другие) — или сформируйте документ на платформе: она подставит сведения "
            "сама.</p>",
        }
        if Material.objects.filter(slug=slug).exists():
            continue
        material = services.material_create(
            actor=staff,
            kind="template",
            title=title,
            summary=summary,
            body=entry["body"],
            slug=slug,
            legal_refs=refs,
            for_residents=False,
            for_officials=True,
            topics=[topics[c] for c in topic_codes],
        )
        upload = SimpleUploadedFile(f"{slug}.docx", template_bytes(code), content_type=DOCX)
        services.attachment_add(actor=staff, material=material, upload=upload, name=f"{title}.docx")
        services.material_submit(actor=staff, material=material)
        services.material_publish(actor=expert, material=material)
    _create(IN_REVIEW, author=staff, reviewer=expert, topics=topics, directions=directions, publish=False)
    if OUTDATED[0] in created:
        services.material_mark_outdated(
            actor=expert, material=Material.objects.get(slug=OUTDATED[0]), reason=OUTDATED[1]
        )
    member = _user("member@demo.sosedi.ru")
    if not Question.objects.filter(text=ANSWERED[0]).exists():
        question = services.question_ask(actor=member, text=ANSWERED[0])
        services.question_answer(
            actor=admin,
            question=question,
            answer=ANSWERED[2],
            publish_as=ANSWERED[1],
            legal_refs="ст. 29 131-ФЗ; п. 4 ч. 9 ст. 27 131-ФЗ",
            topics=[topics["remote-participation"]],
        )
    resident = User.objects.filter(email__startswith="zhitel").order_by("email").first()
    if resident is not None and not Question.objects.filter(text=WAITING).exists():
        services.question_ask(actor=resident, text=WAITING)
