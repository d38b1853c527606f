"""Seed the federal rule sets: 131-ФЗ as in force since 2021 (art. 26.1 added by 236-ФЗ) and the parts of
33-ФЗ (2025) that legal-rules.md records as changed. Values marked M/NV are defaults an administrator can
change in the admin without a code change."""

from datetime import date

from django.db import migrations


def r(value, basis, confidence, note=""):
    return {"value": value, "basis": basis, "confidence": confidence, "note": note}


FZ131 = {
    "tos.min_age": r(16, "ч. 6 ст. 27 131-ФЗ", "V-m", "Участвуют жители территории, достигшие 16 лет (правило T4)."),
    "tos.quorum_meeting": r(
        "1/3", "ч. 6 ст. 27 131-ФЗ", "V-m", "Собрание правомочно при участии не менее 1/3 жителей 16+."
    ),
    "tos.conf_delegates": r("2/3", "ч. 6 ст. 27 131-ФЗ", "V-m", "Конференция: не менее 2/3 избранных делегатов."),
    "tos.conf_repr": r(
        "1/3", "ч. 6 ст. 27 131-ФЗ", "M", "Делегаты представляют не менее 1/3 жителей 16+ (толкование)."
    ),
    "tos.registration_days": r(
        30, "ч. 5 ст. 27 131-ФЗ; НПА представительного органа", "V-m", "Срок регистрации устава задаёт муниципалитет."
    ),
    "tos.organ_min_age": r(
        16, "НПА представительного органа", "V-m", "Некоторые положения допускают в органы ТОС только 18+."
    ),
    "tos.exclusive_powers": r(
        ["structure", "charter", "elect_bodies", "directions", "budget", "reports", "initiative_approval"],
        "ч. 7 ст. 27 131-ФЗ",
        "V-m",
        "Исключительные полномочия собрания (конференции) граждан.",
    ),
    "meeting.notice_days": r(7, "устав ТОС", "M", "Срок оповещения о собрании задаёт устав ТОС; 7 дней — умолчание."),
    "initiative.min_group": r(10, "ч. 2 ст. 26.1 131-ФЗ", "V-m", "НПА представительного органа может уменьшить."),
    "initiative.min_age": r(16, "ч. 2 ст. 26.1 131-ФЗ", "V-m"),
    "initiative.publish_wd": r(3, "ч. 5 ст. 26.1 131-ФЗ", "V-m", "Рабочих дней со дня внесения."),
    "initiative.comments_min_wd": r(5, "ч. 5 ст. 26.1 131-ФЗ", "V-m", "Рабочих дней, не менее."),
    "initiative.review_days": r(30, "ч. 6 ст. 26.1 131-ФЗ", "M", "Календарных дней со дня внесения."),
    "initiative.report_days": r(30, "ч. 14 ст. 26.1 131-ФЗ", "V-m", "Календарных дней после завершения реализации."),
    "initiative.support_methods": r(
        ["meeting", "conference"], "ч. 4 ст. 26.1 131-ФЗ", "V-m", "Опрос и подписи — если разрешит НПА."
    ),
    "initiative.survey_min_age": r(16, "ст. 31 131-ФЗ", "V-m"),
    "initiative.commission_council_share": r("1/2", "ч. 12 ст. 26.1 131-ФЗ", "V-m"),
    "survey.notice_days": r(10, "ст. 31 131-ФЗ", "M"),
    "pd.access_reply_wd": r(10, "ч. 3 ст. 14 152-ФЗ", "M", "Рабочих дней на ответ субъекту."),
    "pd.extension_wd": r(5, "ч. 3 ст. 14 152-ФЗ", "M", "Продление с мотивированным уведомлением."),
    "pd.destroy_days": r(
        30, "ч. 4–5 ст. 21 152-ФЗ", "V-m", "Дней на уничтожение после отзыва согласия или достижения цели."
    ),
}

FZ33 = {
    "initiative.survey_min_age": r(
        18, "ст. 33-ФЗ об опросе граждан", "V", "По 33-ФЗ в опросе участвуют жители 18+ (R0.2)."
    ),
}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.update_or_create(
        regime="131-FZ",
        effective_from=date(2021, 1, 1),
        municipality=None,
        defaults={
            "title": "131-ФЗ (с изменениями 236-ФЗ), федеральные умолчания",
            "rules": FZ131,
            "source": "legal-rules.md §1–4, §6",
        },
    )
    RuleSet.objects.update_or_create(
        regime="33-FZ",
        effective_from=date(2025, 6, 19),
        municipality=None,
        defaults={
            "title": "33-ФЗ от 20.03.2025: изменённые нормы",
            "rules": FZ33,
            "source": "legal-rules.md §0 (R0.1, R0.2)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_actor_protect")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
