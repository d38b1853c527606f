import factory

from sosedi.accounts.models import Role, RoleAssignment, Scope, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postprocessing_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ru")
    first_name = "Иван"
    last_name = factory.Sequence(lambda n: f"Петров{n}")
    password = factory.PostGenerationMethodCall("set_password", "пароль-для-тестов")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def grant(user, role: Role, *, tos=None, municipality=None, region=None) -> RoleAssignment:
    scope = Scope.TOS if tos else Scope.MUNICIPALITY if municipality else Scope.REGION
    return RoleAssignment.objects.create(
        user=user, role=role, scope=scope, tos=tos, municipality=municipality, region=region
    )
