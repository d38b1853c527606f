"""Materials built through the services, as staff and an expert would build them."""

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.knowledge import services
from sosedi.territories.tests.factories import saratov_region


def editor():
    user = UserFactory(last_name="Редакторова")
    grant(user, Role.ASSOCIATION_STAFF, region=saratov_region())
    return user


def reviewer():
    user = UserFactory(last_name="Экспертов")
    grant(user, Role.EXPERT, region=saratov_region())
    return user


def draft(author=None, *, title="Кворум собрания граждан", body="<p>Собрание правомочно при трети жителей.</p>", **kw):
    return services.material_create(
        actor=author or editor(), kind=kw.pop("kind", "article"), title=title, body=body, **kw
    )


def published(author=None, checker=None, **kw):
    material = draft(author, **kw)
    services.material_submit(actor=material.created_by, material=material)
    services.material_publish(actor=checker or reviewer(), material=material)
    material.refresh_from_db()
    return material
