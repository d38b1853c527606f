"""A worker process for the crash test: casts one ballot per participant given on the command line, printing
each ballot id only after its transaction has committed, until it is killed.

    DATABASE_URL=… python -m sosedi.meetings.tests.ballot_worker <item id> <user id> [<user id> …]
"""

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from sosedi.accounts.models import User
    from sosedi.meetings import services
    from sosedi.meetings.models import AgendaItem

    item = AgendaItem.objects.select_related("meeting__tos").get(pk=int(argv[0]))
    for user_id in argv[1:]:
        user = User.objects.get(pk=int(user_id))
        ballot, _receipt, _replaced = services.ballot_cast(actor=user, item=item, choice="for")
        # ballot_cast returns after its atomic block has committed: this id is durable.
        sys.stdout.write(f"{ballot.pk}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
