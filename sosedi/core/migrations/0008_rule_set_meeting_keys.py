"""Add the meeting parameters that [2] Meetings needs to the 131-ФЗ federal set: the quorum of a council
session and the minimum age to vote at a ТОС собрание. The law leaves the council's procedure to the charter
(ч. 9 п. 3–4 ст. 27 131-ФЗ), so its value is a default from practice. Keys already present are left alone."""

from datetime import date

from django.db import migrations

ADDED = {
    "council.quorum": {
        "value": "1/2",
        "basis": "устав ТОС (ч. 9 п. 4 ст. 27 131-ФЗ)",
        "confidence": "M",
        "note": "Заседание органа ТОС правомочно при участии не менее половины его членов — типовая норма уставов.",
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
    dependencies = [("core", "0007_rule_set_survey_id_and_marks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
