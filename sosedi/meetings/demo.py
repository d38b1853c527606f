"""The meetings of the demo story, built through the services like real ones:

- «Солнечный квартал» held its report-and-budget собрание in October (finished, results published, protocol);
- «Терновские родники» has called a конференция of delegates to amend its charter;
- «Солнечный квартал» is holding a hybrid собрание about its courtyard right now: quorum reached, the first
  vote open — a visitor logged in as member@ can register and vote, as secretary@ can work the desk.

Services refuse to call a meeting in the past, so a finished meeting is run as if it were now and its dates are
then moved back; the audit log keeps the real time of each step (when the demo was loaded).
"""

from datetime import timedelta

from django.utils import timezone

from sosedi.accounts.models import User
from sosedi.territories.models import Tos

from . import services
from .models import Charter, Meeting, MeetingFormat, MeetingKind, QuestionKind, VoteKind

LAST = [
    "Абрамов",
    "Белова",
    "Васильев",
    "Галкина",
    "Дмитриев",
    "Егорова",
    "Жуков",
    "Зуева",
    "Ильин",
    "Киселёва",
    "Лавров",
    "Маслова",
    "Носов",
    "Осипова",
    "Панов",
    "Романова",
    "Савин",
    "Тихонова",
    "Уваров",
    "Филиппова",
]
FIRST = [("Андрей", "Анна"), ("Борис", "Валентина"), ("Виктор", "Галина"), ("Геннадий", "Дарья"), ("Денис", "Елена"),
         ("Евгений", "Зоя"), ("Игорь", "Ирина"), ("Константин", "Лидия"), ("Леонид", "Мария"), ("Михаил", "Нина"),
         ("Николай", "Ольга")]  # fmt: skip
STREETS = ["ул. Рахова", "ул. Чапаева"]


def paper_people(count: int, seed: int = 0):
    """Invented residents for paper registration sheets: (name, year of birth, address)."""
    for n in range(count):
        k = n + seed
        last = LAST[k % len(LAST)]
        male, female = FIRST[(k // len(LAST)) % len(FIRST)]
        feminine = last.endswith("а")
        patronymic = ["Ивановна", "Петровна", "Сергеевна"] if feminine else ["Иванович", "Петрович", "Сергеевич"]
        name = f"{last} {female if feminine else male} {patronymic[(k // 7) % 3]}"
        yield name, 1940 + (k * 7) % 65, f"{STREETS[k % 2]}, д. {2 + (k % 12) * 2}, кв. {1 + k % 60}"


def _user(email):
    return User.objects.get(email=email)


def _create(actor, tos, *, title, kind, fmt, days, items, place="", link=""):
    meeting = services.meeting_create(
        actor=actor,
        tos=tos,
        kind=kind,
        format=fmt,
        title=title,
        starts_at=timezone.now() + timedelta(days=days, hours=1),
        ends_at=timezone.now() + timedelta(days=days, hours=3),
        place=place,
        link=link,
        convened_by="Совет ТОС",
    )
    for item in items:
        services.agenda_item_add(actor=actor, meeting=meeting, **item)
    return meeting


def _open_with_the_board_online(meeting: Meeting, chair) -> list:
    """Call and open a «Солнечный квартал» meeting; its chair, secretary and a council member join online."""
    services.meeting_call(actor=chair, meeting=meeting)
    services.meeting_open(
        actor=chair, meeting=meeting, presiding_name="Кузнецова Г. П.", secretary_name="Павлова И. А."
    )
    online = [_user(e) for e in ("chair@demo.sosedi.ru", "secretary@demo.sosedi.ru", "council@demo.sosedi.ru")]
    for user in online:
        services.check_in_remote(actor=user, meeting=meeting)
    return online


def _move_back(meeting: Meeting, days: int) -> None:
    """Put a meeting that was just run `days` days into the past, keeping its duration and notice period."""
    target = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) - timedelta(days=days)
    shift = meeting.starts_at - target
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - shift,
        ends_at=meeting.ends_at - shift if meeting.ends_at else None,
        called_at=meeting.starts_at - shift - timedelta(days=14),
        opened_at=meeting.starts_at - shift,
        closed_at=(meeting.ends_at - shift) if meeting.closed_at else None,
    )


def finished_assembly(tos: Tos, chair, secretary) -> None:
    title = "Отчётное собрание жителей: итоги 2026 года и смета на 2027 год"
    if tos.meetings.filter(title=title).exists():
        return
    meeting = _create(
        chair,
        tos,
        title=title,
        kind=MeetingKind.ASSEMBLY,
        fmt=MeetingFormat.HYBRID,
        days=10,
        place="Школа № 37, актовый зал, ул. Рахова, 93",
        link="https://meet.example.ru/solnechny-otchet",
        items=[
            {"title": "Отчёт совета ТОС о работе в 2026 году", "question": QuestionKind.REPORTS},
            {
                "title": "Утверждение сметы доходов и расходов ТОС на 2027 год",
                "question": QuestionKind.BUDGET,
                "description": "Смета: 186 000 руб., из них 120 000 — ремонт детской площадки у дома 12.",
            },
            {
                "title": "Избрание ревизора ТОС",
                "question": QuestionKind.ELECT_BODIES,
                "vote_kind": VoteKind.ELECTION,
                "seats": 1,
                "secret": True,
                "candidates": ["Новикова Татьяна Ивановна", "Соколов Дмитрий Евгеньевич"],
            },
        ],
    )
    online = _open_with_the_board_online(meeting, chair)
    paper = [
        services.register_paper(actor=secretary, meeting=meeting, full_name=n, birth_year=y, address=a)
        for n, y, a in paper_people(214)
    ]
    report, budget, election = meeting.agenda_items.order_by("position")
    services.vote_open(actor=secretary, item=report)
    for user in online:
        services.ballot_cast(actor=user, item=report, choice="for")
    services.paper_tally_set(actor=secretary, item=report, votes_for=171, votes_against=12, votes_abstain=31)
    services.vote_open(actor=secretary, item=budget)
    for user in online:
        services.ballot_cast(actor=user, item=budget, choice="for")
    services.paper_tally_set(actor=secretary, item=budget, votes_for=150, votes_against=40, votes_abstain=24)
    services.vote_open(actor=secretary, item=election)
    first, second = election.candidates.order_by("position")
    services.ballot_cast(actor=online[0], item=election, candidate_ids=[first.pk])
    services.ballot_cast(actor=online[1], item=election, candidate_ids=[first.pk])
    for n, participant in enumerate(paper[:200]):
        pick = first if n % 10 else second
        services.paper_ballot_enter(actor=secretary, item=election, participant=participant, candidate_ids=[pick.pk])
    for item in (report, budget, election):
        services.vote_close(actor=secretary, item=item)
        services.vote_publish(actor=chair, item=item)
    services.meeting_close(actor=chair, meeting=meeting)
    meeting.refresh_from_db()
    _move_back(meeting, days=40)


def called_conference(tos: Tos, chair) -> None:
    title = "Конференция жителей: изменения в устав ТОС"
    if tos.meetings.filter(title=title).exists():
        return
    meeting = _create(
        chair,
        tos,
        title=title,
        kind=MeetingKind.CONFERENCE,
        fmt=MeetingFormat.IN_PERSON,
        days=12,
        place="Дом культуры с. Терновка, ул. Центральная, 1",
        items=[
            {
                "title": "О внесении изменений в устав ТОС: дистанционное участие в собраниях",
                "question": QuestionKind.CHARTER,
                "description": "Проект: засчитывать в кворум участников, зарегистрированных на платформе.",
            },
            {"title": "Об основных направлениях деятельности на 2027 год", "question": QuestionKind.DIRECTIONS},
        ],
    )
    names = ["Морозов Виктор Иванович", "Григорьева Надежда Викторовна", "Ковалёв Пётр Семёнович",
             "Лаптева Раиса Фёдоровна", "Сорокин Илья Андреевич", "Тарасова Людмила Ивановна"]  # fmt: skip
    for name in names:
        services.delegate_add(actor=chair, meeting=meeting, full_name=name, represents=25)
    services.meeting_call(actor=chair, meeting=meeting)


def hybrid_in_progress(tos: Tos, chair, secretary) -> None:
    title = "Собрание о благоустройстве двора: детская площадка и освещение"
    if tos.meetings.filter(title=title).exists():
        return
    meeting = _create(
        chair,
        tos,
        title=title,
        kind=MeetingKind.ASSEMBLY,
        fmt=MeetingFormat.HYBRID,
        days=0,
        place="Двор домов 12–16 по ул. Рахова",
        link="https://meet.example.ru/solnechny-dvor",
        items=[
            {
                "title": "Одобрить инициативный проект «Детская площадка у дома 12»",
                "question": QuestionKind.INITIATIVE,
                "description": "Стоимость 1,2 млн руб.; инициативные платежи жителей — 60 000 руб.",
            },
            {"title": "Установить четыре фонаря вдоль дорожки к школе", "question": QuestionKind.ORDINARY},
            {
                "title": "Способ голосования по проекту на следующем собрании",
                "question": QuestionKind.ORDINARY,
                "secret": True,
            },
        ],
    )
    _open_with_the_board_online(meeting, chair)
    for name, year, address in paper_people(203, seed=500):
        services.register_paper(actor=secretary, meeting=meeting, full_name=name, birth_year=year, address=address)
    first = meeting.agenda_items.order_by("position").first()
    services.vote_open(actor=secretary, item=first)
    services.ballot_cast(actor=_user("council@demo.sosedi.ru"), item=first, choice="for")
    started = timezone.now() - timedelta(minutes=40)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=started,
        ends_at=started + timedelta(hours=2),
        called_at=started - timedelta(days=10),
        opened_at=started,
    )


def load(tos_by_key: dict) -> None:
    solnechny, ternovka = tos_by_key["solnechny"], tos_by_key["engels-ternovka"]
    chair, secretary = _user("chair@demo.sosedi.ru"), _user("secretary@demo.sosedi.ru")
    if not Charter.objects.filter(tos=solnechny).exists():
        # Its charter (adopted 2024) lets residents take part remotely and by proxy.
        services.charter_update(
            actor=chair,
            tos=solnechny,
            remote_counts_for_quorum=True,
            secret_ballot_allowed=True,
            proxies_allowed=True,
            revote_allowed=True,
        )
    finished_assembly(solnechny, chair, secretary)
    hybrid_in_progress(solnechny, chair, secretary)
    called_conference(ternovka, _user("chair.ternovka@demo.sosedi.ru"))
