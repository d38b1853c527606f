from datetime import date

import factory

from sosedi.accounts.models import Role, RoleAssignment, Scope, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ru")
    first_name = "Иван"
    last_name = factory.Sequence(lambda n: f"Петров{n}")
    password = factory.PostGenerationMethodCall("set_password", "пароль-для-тестов")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def grant(user, role: Role, *, tos=None, municipality=None, region=None) -> RoleAssignment:
    from sosedi.accounts.predicates import forget_roles

    scope = Scope.TOS if tos else Scope.MUNICIPALITY if municipality else Scope.REGION
    assignment = RoleAssignment.objects.create(
        user=user, role=role, scope=scope, tos=tos, municipality=municipality, region=region
    )
    forget_roles(user)
    return assignment


class ResidentFactory(UserFactory):
    """A signed-up adult resident with the profile fields sign-up asks for."""

    birth_date = factory.LazyFunction(lambda: date(1985, 6, 15))
    address = factory.Sequence(lambda n: f"г. Саратов, ул. Тестовая, д. {n + 1}")
    phone = "+79271234567"


def member(tos, user=None, *, status: str = "active"):
    """A person with a membership of the given status in the ТОС (active by default)."""
    from sosedi.territories.models import Membership

    user = user or ResidentFactory()
    return Membership.objects.create(tos=tos, user=user, status=status, address=user.address or "адрес")


def consent(user, kind: str = "processing", *, withdrawn: bool = False):
    from django.utils import timezone

    from sosedi.accounts.models import Consent

    now = timezone.now()
    return Consent.objects.create(
        user=user,
        kind=kind,
        version="тест-1",
        text=f"Текст согласия {kind}",
        granted_at=now,
        withdrawn_at=now if withdrawn else None,
    )
