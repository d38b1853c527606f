"""Seed the official exceptions of the production calendar for 2025–2027: weekend days a government
decree made working and weekdays it made days off. Kept as data so a corrected or newly published decree
is an admin edit, not a code change (docs/decisions/0002-working-day-calendar.md)."""

from datetime import date

from django.db import migrations

DECREE_2025 = "Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней в 2025 году»"
DECREE_2026 = "Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе выходных дней в 2026 году»"
# No signed decree for 2027 was found; these rows follow the published draft (the `holidays` package
# carries the same dates). An administrator corrects them when the decree is out.
DRAFT_2027 = "Проект постановления о переносе выходных дней в 2027 году (не сверено с подписанным текстом)"

DAYS = [
    # (date, is_working, what moved where, decree)
    (date(2025, 5, 2), False, "выходной с субботы 4 января", DECREE_2025),
    (date(2025, 5, 8), False, "выходной с воскресенья 23 февраля", DECREE_2025),
    (date(2025, 6, 13), False, "выходной с субботы 8 марта", DECREE_2025),
    (date(2025, 11, 1), True, "рабочая суббота: выходной перенесён на 3 ноября", DECREE_2025),
    (date(2025, 11, 3), False, "выходной с субботы 1 ноября", DECREE_2025),
    (date(2025, 12, 31), False, "выходной с воскресенья 5 января", DECREE_2025),
    (date(2026, 1, 9), False, "выходной с субботы 3 января", DECREE_2026),
    (date(2026, 12, 31), False, "выходной с воскресенья 4 января", DECREE_2026),
    (date(2027, 2, 20), True, "рабочая суббота: выходной перенесён на 22 февраля", DRAFT_2027),
    (date(2027, 2, 22), False, "выходной с субботы 20 февраля", DRAFT_2027),
    (date(2027, 11, 5), False, "выходной с субботы 2 января", DRAFT_2027),
    (date(2027, 12, 31), False, "выходной с воскресенья 3 января", DRAFT_2027),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, is_working, what, basis in DAYS:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working": is_working, "note": f"{what}; {basis}"[:255]}
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__in=[d for d, *_ in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_content_version")]
    operations = [migrations.RunPython(seed, unseed)]
