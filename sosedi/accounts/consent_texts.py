"""The texts of the consents a person gives, each a separate document (152-ФЗ ст. 9 ч. 1 and ч. 4;
ст. 10.1; since 01.09.2025 a consent may not be merged with other documents).

A text is a versioned template: the version is stored with every Consent row together with the text as the
person saw it (their name and address filled in). Change the wording only together with the version.
The operator's name and address come from settings (PD_OPERATOR_NAME, PD_OPERATOR_ADDRESS) so that the
organisation running a copy of the platform names itself.
"""

from dataclasses import dataclass

from django.conf import settings

from .models import ConsentKind

DEFAULT_OPERATOR_NAME = "Ассоциация «Совет муниципальных образований Саратовской области»"
DEFAULT_OPERATOR_ADDRESS = "г. Саратов (точный адрес — в Политике обработки персональных данных)"


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str
    title: str
    template: str


PROCESSING = ConsentText(
    kind=ConsentKind.PROCESSING,
    version="1.0 от 25.11.2026",
    title="Согласие на обработку персональных данных",
    template="""Я, {subject_name}, проживающий (проживающая) по адресу: {subject_address}, свободно, своей волей \
и в своём интересе даю согласие оператору — {operator_name}, адрес: {operator_address} — на обработку моих \
персональных данных на платформе «Соседи» на следующих условиях (статья 9 Федерального закона от 27.07.2006 \
№ 152-ФЗ «О персональных данных»).

1. Цели обработки: участие в территориальном общественном самоуправлении (ТОС) — членство в ТОС и подтверждение \
проживания на его территории; подсчёт кворума собраний и конференций граждан; учёт подписей в поддержку \
инициативных проектов; направление документов в местную администрацию и другие органы местного самоуправления; \
уведомления о делах ТОС, в котором я участвую.

2. Перечень данных: фамилия, имя, отчество; адрес электронной почты; номер телефона (если я его указал); дата \
рождения; адрес проживания; муниципальное образование проживания; сведения о моём участии в ТОС, о ролях \
и действиях на платформе.

3. Действия с данными: сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), \
извлечение, использование, передача (предоставление, доступ) органам ТОС, в котором я участвую, и органам \
местного самоуправления — только для целей из пункта 1; обезличивание, блокирование, удаление, уничтожение. \
Обработка ведётся с использованием средств автоматизации и без них.

4. Срок действия: до отзыва согласия или до достижения целей обработки.

5. Как отозвать: на странице «Мои согласия» в личном кабинете платформы или письменным заявлением оператору. \
После отзыва оператор прекращает обработку и уничтожает мои данные в течение {destroy_days} дней (часть 5 \
статьи 21 152-ФЗ). Сведения, которые закон обязывает хранить (журнал действий, история участия в ТОС), \
остаются в обезличенном виде.

Это согласие не разрешает распространять (публиковать) мои данные: для этого даётся отдельное согласие.""",
)

PUBLICATION = ConsentText(
    kind=ConsentKind.PUBLICATION,
    version="1.0 от 25.11.2026",
    title="Согласие на распространение (публикацию) имени",
    template="""Я, {subject_name}, даю согласие оператору — {operator_name}, адрес: {operator_address} — \
на обработку персональных данных, разрешённых мной для распространения (статья 10.1 Федерального закона \
от 27.07.2006 № 152-ФЗ «О персональных данных»).

1. Какие данные можно распространять: только фамилию, имя и отчество.

2. Цель: показывать моё имя в открытых списках платформы «Соседи» — участников органов ТОС, инициативных \
групп, поддержавших инициативные проекты, в публикуемых протоколах собраний.

3. Где: на сайте платформы «Соседи» ({site_url}).

4. Запреты и условия: адрес, телефон, электронную почту и дату рождения распространять запрещаю. Неограниченный \
круг лиц может только знакомиться с моим именем на платформе.

5. Срок действия: до отзыва. Отозвать согласие можно в любой момент на странице «Мои согласия»; после отзыва \
моё имя в открытых списках заменяется надписью «Житель (имя скрыто)».

Давать это согласие не обязательно: без него я пользуюсь платформой так же, но моё имя не показывается \
в открытых списках.""",
)

TEXTS = {PROCESSING.kind: PROCESSING, PUBLICATION.kind: PUBLICATION}


def operator_name() -> str:
    return getattr(settings, "PD_OPERATOR_NAME", DEFAULT_OPERATOR_NAME)


def operator_address() -> str:
    return getattr(settings, "PD_OPERATOR_ADDRESS", DEFAULT_OPERATOR_ADDRESS)


def render(kind: str, *, subject_name: str, subject_address: str, destroy_days: int) -> str:
    """The consent text as the person accepts it, with their name and address filled in."""
    text = TEXTS[kind]
    return text.template.format(
        subject_name=subject_name or "[фамилия, имя, отчество]",
        subject_address=subject_address or "[адрес проживания]",
        operator_name=operator_name(),
        operator_address=operator_address(),
        destroy_days=destroy_days,
        site_url=settings.SITE_URL,
    )
