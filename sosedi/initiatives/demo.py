"""Ideas and initiative projects of the demo story, built through the services like real ones, one project in
every status:

- Саратов allows signatures (the city Duma's act, invented for the demo): «Солнечный квартал» is collecting them
  for lighting the path to the school — a visitor logged in as resident@ can sign, chair@ can type paper sheets in;
- its courtyard playground (from resident@'s idea) was approved by a собрание and submitted two days ago — the
  official (official.saratov@) must publish it by the date on the review screen;
- an initiative group in Энгельс has its pavement project published and open for remarks;
- Балаково's sports ground is supported with a budget line; Покровка's fence was refused on ground 5 with an
  offer to rework; Терновка is building its square; Энгельс-Полтавка has finished its benches (report due), and
  Балаково's station square has its report published.

Services refuse to act in the past, so a step is run now and its dates are then moved back; the audit log keeps
the real time of each step (when the demo was loaded).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from sosedi.accounts.models import User
from sosedi.accounts.services import user_signup
from sosedi.core.models import RuleSet
from sosedi.territories.demo import story
from sosedi.territories.models import Direction, Municipality, Tos

from . import services
from .models import Idea, InitiativeProject, InitiatorKind, ProjectStatus, RejectionGround

SARATOV_ACT = "Решение Саратовской городской Думы о порядке выдвижения инициативных проектов (демо)"


def _user(email):
    return User.objects.get(email=email)


def _direction(code: str) -> Direction:
    return Direction.objects.filter(code=code).first() or Direction.objects.order_by("position").first()


def _saratov_rules(saratov: Municipality) -> None:
    def r(value):
        return {"value": value, "basis": SARATOV_ACT, "confidence": "V"}

    RuleSet.objects.get_or_create(
        regime="131-FZ",
        effective_from=date(2021, 3, 1),
        municipality=saratov,
        defaults={
            "title": "Инициативные проекты в городе Саратове (демо)",
            "rules": {
                "initiative.support_methods": r(["meeting", "conference", "signatures"]),
                "initiative.min_signatures": r(5),
            },
        },
    )


def _parts(**overrides) -> dict:
    base = {
        "problem": "",
        "justification": "",
        "expected_result": "",
        "cost_estimate": Decimal("500000"),
        "cost_breakdown": "",
        "timeline": "май — сентябрь 2027 года",
        "participation": "Инициативные платежи жителей — 5 % стоимости; субботник по подготовке территории.",
        "budget_amount": Decimal("475000"),
        "territory_description": "",
        "other_info": "",
    }
    return {**base, **overrides}


def _tos_project(tos: Tos, chair, *, title: str, direction: str, idea=None, **parts) -> InitiativeProject:
    existing = InitiativeProject.objects.filter(title=title).first()
    if existing is not None:
        return existing
    lat, lon = tos.centroid_lat, tos.centroid_lon
    return services.project_create(
        actor=chair,
        municipality=tos.municipality,
        initiator_kind=InitiatorKind.TOS_BODY,
        tos=tos,
        idea=idea,
        title=title,
        direction=_direction(direction),
        lat=lat,
        lon=lon,
        **_parts(**parts),
    )


def _residents(municipality: Municipality, prefix: str, names: list[tuple[str, str, str]]) -> list[User]:
    people = []
    for n, (last, first, patronymic) in enumerate(names):
        email = f"{prefix}{n + 1:02d}@demo.sosedi.ru"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_signup(
                data={
                    "email": email,
                    "last_name": last,
                    "first_name": first,
                    "patronymic": patronymic,
                    "birth_date": date(1960 + n * 3, 1 + n % 12, 10 + n % 15),
                    "address": f"{municipality.centre or municipality.name}, ул. Тельмана, д. {3 + n}",
                    "municipality": municipality,
                },
                password=story.PASSWORD,
                publish_name=True,
            )
        people.append(user)
    return people


def _collect(project, chair, signers, paper: list[tuple[str, date, str]]) -> None:
    if project.status == ProjectStatus.DRAFT:
        services.project_open_support(actor=chair, project=project)
    for person in signers:
        if not project.signatures.filter(user=person).exists():
            services.signature_sign(actor=person, project=project)
    for name, born, address in paper:
        if not project.signatures.filter(person_key=services.person_key(name, born)).exists():
            services.signature_enter_paper(
                actor=chair, project=project, full_name=name, birth_date=born, address=address, sheet_number=1
            )


def _protocol(project, chair, when: date) -> None:
    if not project.protocol_file:
        services.support_protocol_upload(
            actor=chair,
            project=project,
            file=ContentFile(b"%PDF-1.4\n% demo protocol\n", name="protokol-sobraniya.pdf"),
            meeting_date=when,
        )


def _back(project, *, submitted_days: int, published_days: int | None = None) -> InitiativeProject:
    """Move the review dates back as if the steps had happened that many days ago (the terms are recomputed by
    the same rules the services apply)."""
    from sosedi.core.rulesets import rule
    from sosedi.core.workdays import add_working_days

    project.refresh_from_db()
    today = timezone.localdate()
    submitted = today - timedelta(days=submitted_days)
    fields = {
        "submitted_at": timezone.now() - timedelta(days=submitted_days),
        "publication_deadline": add_working_days(
            submitted, int(rule("initiative.publish_wd", municipality=project.municipality).value)
        ),
        "review_deadline": submitted
        + timedelta(days=int(rule("initiative.review_days", municipality=project.municipality).value)),
    }
    if published_days is not None:
        published = today - timedelta(days=published_days)
        fields["published_at"] = timezone.now() - timedelta(days=published_days)
        fields["remarks_until"] = add_working_days(
            published, int(rule("initiative.comments_min_wd", municipality=project.municipality).value)
        )
    InitiativeProject.objects.filter(pk=project.pk).update(**fields)
    project.refresh_from_db()
    return project


def _to_decision(project, chair, official, *, support: bool, **decision):
    """Support collected by a собрание (its protocol attached), submitted, published, remarks period over, decided
    about two months ago."""
    project.refresh_from_db()
    if project.status == ProjectStatus.DRAFT:
        services.project_open_support(actor=chair, project=project)
        project.refresh_from_db()
    if project.status == ProjectStatus.COLLECTING:
        _protocol(project, chair, timezone.localdate() - timedelta(days=90))
        services.project_submit(actor=chair, project=project)
        project.refresh_from_db()
    if project.status == ProjectStatus.SUBMITTED:
        services.project_publish(actor=official, project=project)
        project = _back(project, submitted_days=75, published_days=73)
    if project.status == ProjectStatus.PUBLISHED:
        kind = "support" if support else "reject"
        services.project_decide(actor=official, project=project, decision=kind, **decision)
        InitiativeProject.objects.filter(pk=project.pk).update(decided_at=timezone.now() - timedelta(days=60))
    project.refresh_from_db()
    return project


def load(tos_by_key: dict) -> None:
    saratov = Municipality.objects.get(name="город Саратов")
    engels = Municipality.objects.get(name="Энгельсский муниципальный район")
    _saratov_rules(saratov)
    solnechny = tos_by_key["solnechny"]
    chair = _user("chair@demo.sosedi.ru")
    resident, member = _user("resident@demo.sosedi.ru"), _user("member@demo.sosedi.ru")
    official_engels = _user("official.engels@demo.sosedi.ru")

    # Ideas of residents.
    ideas = {}
    for key, author, title, direction, text, tos, shift in [
        ("playground", resident, "Детская площадка у дома 12 по ул. Рахова", "playgrounds",
         "Во дворе домов 12–16 нет площадки: дети играют на парковке. Предлагаю поставить горку, качели и песочницу.",
         solnechny, (0.0004, -0.0003)),
        ("path-light", member, "Освещение дорожки к школе № 5", "landscaping",
         "Вечером дорожка от ул. Рахова к школе не освещена, зимой дети идут домой в темноте.", solnechny,
         (-0.0005, 0.0006)),
        ("benches", resident, "Скамейки у остановки «Чапаева»", "landscaping",
         "Пожилым людям негде присесть в ожидании автобуса; нужны две скамейки с навесом.", solnechny,
         (0.0009, 0.0002)),
    ]:  # fmt: skip
        idea = Idea.objects.filter(title=title).first()
        if idea is None:
            idea = services.idea_create(
                actor=author,
                municipality=tos.municipality,
                tos=tos,
                direction=_direction(direction),
                title=title,
                description=text,
                lat=tos.centroid_lat + shift[0],
                lon=tos.centroid_lon + shift[1],
            )
            for supporter in (member, _user("council@demo.sosedi.ru"), _user("secretary@demo.sosedi.ru")):
                if supporter != author:
                    services.idea_support(actor=supporter, idea=idea)
            services.idea_comment(
                actor=_user("council@demo.sosedi.ru"), idea=idea, text="Поддерживаю, обсудим на совете ТОС."
            )
        ideas[key] = idea

    # Collecting: lighting of the path, signatures online and from a paper sheet (5 needed).
    lighting = _tos_project(
        solnechny, chair, title="Освещение дорожки к школе № 5", direction="landscaping",
        idea=ideas["path-light"] if ideas["path-light"].status == "open" else None,
        problem="Дорожка от ул. Рахова к школе № 5 (350 м) не освещена; зимой дети возвращаются в темноте.",
        justification="Восемь светодиодных фонарей на опорах вдоль дорожки; подключение к сети уличного освещения.",
        expected_result="Освещённая дорожка 350 м, 8 фонарей.",
        cost_estimate=Decimal("640000"), budget_amount=Decimal("600000"),
        cost_breakdown="Опоры и светильники — 420 000 ₽; кабель и подключение — 220 000 ₽.",
        territory_description="г. Саратов, Волжский район, дорожка от д. 14 по ул. Рахова до школы № 5.",
    )  # fmt: skip
    if lighting.status in (ProjectStatus.DRAFT, ProjectStatus.COLLECTING):
        _collect(
            lighting,
            chair,
            [member, _user("council@demo.sosedi.ru")],
            [
                ("Абрамова Нина Петровна", date(1958, 4, 12), "ул. Рахова, д. 14, кв. 3"),
                ("Белов Игорь Сергеевич", date(1983, 9, 1), "ул. Рахова, д. 16, кв. 21"),
            ],
        )

    # Submitted two days ago: the courtyard playground, approved by the ТОС собрание (protocol attached).
    playground = _tos_project(
        solnechny, chair, title="Детская площадка «Солнышко» у дома 12", direction="playgrounds",
        idea=ideas["playground"] if ideas["playground"].status == "open" else None,
        problem="Во дворе домов 12–16 по ул. Рахова нет детской площадки; дети играют на парковке.",
        justification="Площадка на пустыре у дома 12 (участок в муниципальной собственности, 140 м²).",
        expected_result="Детская площадка 140 м² с резиновым покрытием, горкой, качелями и песочницей.",
        cost_estimate=Decimal("1200000"), budget_amount=Decimal("1140000"),
        cost_breakdown="Оборудование — 780 000 ₽; покрытие — 310 000 ₽; ограждение — 110 000 ₽.",
        participation="Инициативные платежи жителей — 60 000 ₽; субботник по расчистке участка.",
        territory_description="г. Саратов, Волжский район, двор домов 12–16 по ул. Рахова.",
    )  # fmt: skip
    if playground.status in (ProjectStatus.DRAFT, ProjectStatus.COLLECTING):
        if playground.status == ProjectStatus.DRAFT:
            services.project_open_support(actor=chair, project=playground)
        _protocol(playground, chair, timezone.localdate() - timedelta(days=20))
        services.project_submit(actor=chair, project=playground)
        _back(playground, submitted_days=2)

    # Published, remarks open: an initiative group of ten residents in Энгельс.
    pavement = InitiativeProject.objects.filter(title="Ремонт тротуара по ул. Тельмана").first()
    if pavement is None:
        group = _residents(engels, "gruppa.engels", [
            ("Карпов", "Олег", "Иванович"), ("Лукина", "Вера", "Павловна"), ("Мартынов", "Юрий", "Петрович"),
            ("Назарова", "Ольга", "Игоревна"), ("Орехов", "Семён", "Львович"), ("Павлова", "Нина", "Андреевна"),
            ("Рябов", "Кирилл", "Олегович"), ("Савельева", "Алла", "Юрьевна"), ("Тарасов", "Глеб", "Ильич"),
            ("Усова", "Инна", "Максимовна"),
        ])  # fmt: skip
        pavement = services.project_create(
            actor=group[0], municipality=engels, initiator_kind=InitiatorKind.GROUP,
            title="Ремонт тротуара по ул. Тельмана",
            direction=_direction("roads"), lat=51.4983, lon=46.1242,
            # A strip along the street: a group's project has no ТОС boundary to stand for its territory.
            territory_geojson={"type": "Polygon", "coordinates": [[
                [46.1228, 51.4979], [46.1256, 51.4979], [46.1256, 51.4987], [46.1228, 51.4987], [46.1228, 51.4979],
            ]]},
            **_parts(
                problem="Тротуар по ул. Тельмана (дома 1–15) разрушен, весной стоят лужи, пожилым трудно пройти.",
                justification="Замена покрытия на асфальтобетон с бордюрами и водоотводом.",
                expected_result="Отремонтированный тротуар 420 м.", cost_estimate=Decimal("2300000"),
                budget_amount=Decimal("2185000"), territory_description="г. Энгельс, ул. Тельмана, дома 1–15.",
            ),
        )  # fmt: skip
        for person in group[1:]:
            services.group_member_add(actor=group[0], project=pavement, user=person)
            services.group_member_confirm(actor=person, project=pavement)
        services.project_open_support(actor=group[0], project=pavement)
        _protocol(pavement, group[0], timezone.localdate() - timedelta(days=30))
        services.project_submit(actor=group[0], project=pavement)
        services.project_publish(actor=official_engels, project=pavement)
        _back(pavement, submitted_days=3, published_days=1)
        services.remark_add(
            actor=group[3], project=pavement, text="Прошу предусмотреть пандус у дома 7 — там живёт колясочник."
        )

    # Decided and later: Балаково (supported), Покровка (refused on ground 5), Терновка (building),
    # Энгельс-Полтавка (finished, report due), Балаково station (report published).
    balakovo, balakovo_chair = tos_by_key["balakovo-step"], _user("chair.balakovo@demo.sosedi.ru")
    sports = _tos_project(
        balakovo, balakovo_chair, title="Спортивная площадка в микрорайоне Степной", direction="playgrounds",
        problem="В микрорайоне нет ни одной спортивной площадки для подростков.",
        justification="Площадка с тренажёрами и турниками на свободном участке у д. 8 по ул. Степной.",
        expected_result="Спортивная площадка 200 м², 10 тренажёров.", cost_estimate=Decimal("1800000"),
        budget_amount=Decimal("1700000"), territory_description="г. Балаково, мкр. Степной, у д. 8 по ул. Степной.",
    )  # fmt: skip
    _to_decision(
        sports, balakovo_chair, _official_for(balakovo.municipality), support=True,
        text="Поддержать проект и продолжить работу над ним в пределах бюджетных ассигнований на 2027 год.",
        budget_line="МП «Развитие физической культуры и спорта», КБК 901 1102 0510120010 244",
    )  # fmt: skip

    pokrovka, pokrovka_chair = tos_by_key["volsk-pokrov"], _user("chair.pokrovka@demo.sosedi.ru")
    fence = _tos_project(
        pokrovka, pokrovka_chair, title="Ограждение сельского кладбища", direction="landscaping",
        problem="Ограждение кладбища с. Покровка разрушено, на территорию заходит скот.",
        justification="Новое ограждение из профнастила по периметру 600 м.", expected_result="Ограждение 600 м.",
        cost_estimate=Decimal("950000"), budget_amount=Decimal("900000"),
        territory_description="с. Покровка, сельское кладбище.",
    )  # fmt: skip
    _to_decision(
        fence, pokrovka_chair, _official_for(pokrovka.municipality), support=False,
        ground=RejectionGround.BETTER_WAY,
        text="Отказать: ограждение включено в программу содержания мест захоронения.",
        rework_offer="Предлагаем совместно доработать проект: направить средства на благоустройство входной группы.",
    )  # fmt: skip

    ternovka, ternovka_chair = tos_by_key["engels-ternovka"], _user("chair.ternovka@demo.sosedi.ru")
    square = _tos_project(
        ternovka, ternovka_chair, title="Сквер у Дома культуры в Терновке", direction="landscaping",
        problem="Территория у Дома культуры заросла, нет скамеек и освещения.",
        justification="Сквер с дорожками, скамейками и фонарями.", expected_result="Сквер 0,3 га.",
        cost_estimate=Decimal("2600000"), budget_amount=Decimal("2470000"),
        territory_description="с. Терновка, площадь у Дома культуры.",
    )  # fmt: skip
    _to_decision(
        square, ternovka_chair, official_engels, support=True, text="Поддержать.",
        budget_line="МП «Благоустройство Терновского МО», КБК 902 0503 0310120020 244",
    )  # fmt: skip
    if square.status == ProjectStatus.SUPPORTED:
        services.project_start(actor=ternovka_chair, project=square)
        services.milestone_add(
            actor=ternovka_chair, project=square, kind="before", title="Площадка расчищена жителями на субботнике",
            happened_on=timezone.localdate() - timedelta(days=20),
        )  # fmt: skip
        services.milestone_add(
            actor=ternovka_chair, project=square, title="Уложены дорожки", spent=Decimal("900000"),
            happened_on=timezone.localdate() - timedelta(days=5),
        )  # fmt: skip

    for key, title, direction, text, spent in [
        ("engels-polt", "Скамейки и урны на ул. Полтавской", "landscaping",
         "Двенадцать скамеек и урн вдоль ул. Полтавской.", None),
        ("balakovo-vokzal", "Цветники на Привокзальной площади", "ecology",
         "Цветники и газоны на Привокзальной площади, 600 м².", Decimal("410000")),
    ]:  # fmt: skip
        tos = tos_by_key[key]
        leader = _tos_leader(tos, tos_by_key)
        project = _tos_project(
            tos, leader, title=title, direction=direction, problem=text,
            justification="Проект обсуждён и одобрен собранием граждан.", expected_result=text,
            cost_estimate=Decimal("450000"), budget_amount=Decimal("420000"),
            territory_description=f"{tos.municipality.name}, {tos.territory_description or tos.name}",
        )  # fmt: skip
        official = _official_for(tos.municipality)
        _to_decision(project, leader, official, support=True, text="Поддержать.", budget_line="КБК 0503")
        if project.status == ProjectStatus.SUPPORTED:
            services.project_start(actor=leader, project=project)
            for name, amount in [("Жители Привокзальной площади (сбор)", "15000"), ("ИП Сергеев А. В.", "7500")]:
                payment = services.contribution_add(
                    actor=leader, project=project, kind="payment", contributor=name, pledged=Decimal(amount)
                )
                services.contribution_receive(actor=official, contribution=payment, amount=Decimal(amount))
            services.contribution_add(
                actor=leader, project=project, kind="labour", contributor="Жители улицы",
                pledged=Decimal("12000"), description="Два субботника: подготовка клумб и посадка",
            )  # fmt: skip
            services.milestone_add(
                actor=leader, project=project, kind="after", title="Работы приняты комиссией", spent=Decimal("415000"),
                happened_on=timezone.localdate() - timedelta(days=10),
            )  # fmt: skip
            services.project_complete(
                actor=leader, project=project, completed_on=timezone.localdate() - timedelta(days=10)
            )
            project.refresh_from_db()
        if spent is not None and project.status == ProjectStatus.COMPLETED:
            services.project_report(
                actor=leader, project=project, spent_amount=spent,
                text="Высажено 1 200 растений, уложен газон 450 м². Израсходовано 410 000 ₽ из 450 000 ₽ по смете; "
                "жители внесли 22 500 ₽ инициативных платежей и провели два субботника.",
            )  # fmt: skip

    # A draft the chair of Солнечный is still writing.
    _tos_project(
        solnechny, chair, title="Скамейки у остановки «Чапаева»", direction="landscaping",
        idea=ideas["benches"] if ideas["benches"].status == "open" else None,
        problem="Пожилым людям негде присесть в ожидании автобуса.", justification="Две скамейки с навесом.",
        expected_result="Остановка с двумя скамейками и навесом.", cost_estimate=Decimal("180000"),
        budget_amount=Decimal("170000"), territory_description="г. Саратов, остановка «Улица Чапаева».",
    )  # fmt: skip


def _official_for(municipality: Municipality) -> User:
    """The municipality's official in the story, or the platform administrator where the story has none."""
    from sosedi.accounts.models import Role, RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(role=Role.MUNICIPAL_OFFICIAL, municipality=municipality, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else _user("admin@demo.sosedi.ru")


def _tos_leader(tos: Tos, tos_by_key: dict) -> User:
    """The chair of a ТОС in the story, or the administrator acting for it (a ТОС without a chair account)."""
    from sosedi.accounts.models import Role, RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(tos=tos, role=Role.CHAIR, revoked_at__isnull=True).select_related("user").first()
    )
    return assignment.user if assignment else _user("admin@demo.sosedi.ru")
