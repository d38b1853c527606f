"""What the membership block of a ТОС page shows to the person looking at it."""

from django import template

from sosedi.accounts.selectors import public_name as _public_name

register = template.Library()


@register.simple_tag
def membership_state(tos, user) -> dict:
    from sosedi.territories.memberships import membership_current, memberships_pending

    if user is None or not user.is_authenticated:
        return {"anonymous": True}
    from sosedi.territories.models import MembershipStatus

    can_decide = user.has_perm("territories.decide_membership", tos)
    current = membership_current(user, tos)
    last_rejected = None
    if current is None:
        # Tell the person why their last request failed before they ask again.
        last_rejected = (
            tos.memberships.filter(user=user, status=MembershipStatus.REJECTED).order_by("-decided_at", "-id").first()
        )
    return {
        "anonymous": False,
        "current": current,
        "last_rejected": last_rejected,
        "can_request": user.has_perm("territories.request_membership", tos),
        "can_decide": can_decide,
        "pending_count": memberships_pending(tos).count() if can_decide else 0,
        "can_view_members": user.has_perm("territories.view_members", tos),
    }


@register.filter
def public_name(user) -> str:
    """`{{ person|public_name }}`: the name only with the person's consent to publication."""
    return _public_name(user)
