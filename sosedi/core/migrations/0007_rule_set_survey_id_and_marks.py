"""Complete the 131-ФЗ federal set with the last §6 default (how survey participants are identified) and
mark the registration term as a default from memory: the law leaves the term to each municipality
(ч. 5 ст. 27 131-ФЗ), 30 days is one municipality's choice. Keys an administrator has already edited are
left alone."""

from datetime import date

from django.db import migrations

ADDED = {
    "survey.id_method": {
        "value": "esia",
        "basis": "решение представительного органа о назначении опроса (ст. 31 131-ФЗ)",
        "confidence": "V-m",
        "note": "Способ идентификации при опросе на сайте задаёт решение о назначении опроса; пример — ЕСИА (Тамбов).",
    },
}
SEEDED_REGISTRATION = {"value": 30, "basis": "ч. 5 ст. 27 131-ФЗ; НПА представительного органа", "confidence": "V-m"}


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    rule_set = RuleSet.objects.filter(regime="131-FZ", effective_from=date(2021, 1, 1), municipality=None).first()
    if rule_set is None:
        return
    rules = dict(rule_set.rules)
    for key, entry in ADDED.items():
        rules.setdefault(key, entry)
    registration = rules.get("tos.registration_days")
    if registration and all(registration.get(k) == v for k, v in SEEDED_REGISTRATION.items()):
        rules["tos.registration_days"] = {
            **registration,
            "confidence": "M",
            "note": "Срок задаёт муниципалитет (Волгоград — 1 месяц, Пуланкольский сельсовет — 15 дней); 30 — умолчание.",
        }
    rule_set.rules = rules
    rule_set.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [("core", "0006_seed_calendar_days")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
