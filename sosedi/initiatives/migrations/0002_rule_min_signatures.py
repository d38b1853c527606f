"""Add the number of signatures a municipality requires before an initiative project may be submitted, and the
refund rule of initiative payments (ч. 3 ст. 56.1 131-ФЗ). The law leaves the support procedure to the representative body's act (ч. 4, 9 ст. 26.1 131-ФЗ), so the value is a
default from practice that a municipality overrides in its own rule set. Keys already present are left alone."""

from datetime import date

from django.db import migrations

ADDED = {
    "initiative.min_signatures": {
        "value": 10,
        "basis": "НПА представительного органа (ч. 4, 9 ст. 26.1 131-ФЗ)",
        "confidence": "M",
        "note": "Сколько подписей жителей нужно, если НПА разрешает сбор подписей; 10 — умолчание платформы.",
    },
    "initiative.refund_rule": {
        "value": "proportional",
        "basis": "ч. 3 ст. 56.1 131-ФЗ; НПА представительного органа",
        "confidence": "V-m",
        "note": "Возврат инициативных платежей пропорционально внесённым суммам (единственный пока расчёт).",
    },
}


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    rule_set = RuleSet.objects.filter(regime="131-FZ", effective_from=date(2021, 1, 1), municipality=None).first()
    if rule_set is None:
        return
    rules = dict(rule_set.rules)
    for key, entry in ADDED.items():
        rules.setdefault(key, entry)
    rule_set.rules = rules
    rule_set.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial"), ("core", "0008_rule_set_meeting_keys")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
