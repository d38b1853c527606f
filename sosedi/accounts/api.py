"""`/me`: who the caller is, their roles and their ТОС."""

from datetime import date

from ninja import Router, Schema

from sosedi.api.auth import TOKEN_OR_SESSION
from sosedi.api.errors import ErrorOut

from .selectors import active_roles

router = Router(tags=["Люди"])


class RoleOut(Schema):
    role: str
    role_display: str
    scope: str
    region_id: int | None
    municipality_id: int | None
    tos_id: int | None


class MembershipOut(Schema):
    tos_id: int
    tos_name: str
    status: str


class MeOut(Schema):
    id: int
    email: str
    last_name: str
    first_name: str
    patronymic: str
    phone: str
    birth_date: date | None
    address: str
    municipality_id: int | None
    roles: list[RoleOut]
    memberships: list[MembershipOut]


@router.get("/me", auth=TOKEN_OR_SESSION, response={200: MeOut, 401: ErrorOut}, summary="Текущий пользователь")
def me(request):
    from sosedi.territories.models import Membership

    user = request.auth
    roles = [
        {
            "role": a.role,
            "role_display": a.get_role_display(),
            "scope": a.scope,
            "region_id": a.region_id,
            "municipality_id": a.municipality_id,
            "tos_id": a.tos_id,
        }
        for a in active_roles(user)
    ]
    memberships = [
        {"tos_id": m.tos_id, "tos_name": m.tos.name, "status": m.status}
        for m in Membership.objects.filter(user=user).select_related("tos").order_by("-created_at")
    ]
    return {
        **{f: getattr(user, f) for f in ("id", "email", "last_name", "first_name", "patronymic", "phone")},
        "birth_date": user.birth_date,
        "address": user.address,
        "municipality_id": user.municipality_id,
        "roles": roles,
        "memberships": memberships,
    }
