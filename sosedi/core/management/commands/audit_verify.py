from django.core.management.base import BaseCommand, CommandError

from sosedi.core.audit import audit_verify


class Command(BaseCommand):
    help = "Проверить цепочку хешей журнала действий; код возврата 1 при нарушении."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Журнал нарушен на записи #{result.first_bad_seq}: {result.reason} (проверено {result.checked})."
            )
        self.stdout.write(self.style.SUCCESS(f"Журнал цел: проверено записей — {result.checked}."))
