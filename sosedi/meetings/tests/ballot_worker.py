"""A worker process for the crash test: casts one ballot per user given on the command line, one after
another, and prints each ballot id only after its transaction has committed — until it is killed.

    DATABASE_URL=… python -m sosedi.meetings.tests.ballot_worker <item id> <user id> [<user id> …]

The first line is `backend <pid>`: the PostgreSQL backend serving this process, so the test can see from
pg_stat_activity when the worker is inside a ballot's transaction."""

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from sosedi.accounts.models import User
    from sosedi.meetings import services
    from sosedi.meetings.models import AgendaItem

    # One connection for the whole run (no request cycle closes it), so this pid stays the worker's backend.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        sys.stdout.write(f"backend {cursor.fetchone()[0]}\n")
        sys.stdout.flush()
    item = AgendaItem.objects.select_related("meeting__tos").get(pk=int(argv[0]))
    for user_id in argv[1:]:
        user = User.objects.get(pk=int(user_id))
        ballot, _receipt, _replaced = services.ballot_cast(actor=user, item=item, choice="for")
        # ballot_cast's atomic block is the outermost one here, so on return the ballot is committed.
        sys.stdout.write(f"{ballot.pk}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
