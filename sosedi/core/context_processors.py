from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Values every page needs: the site name and whether the viewer has unread notifications. The count is
    lazy: a fragment that does not show the header (the quorum line polled every few seconds) costs no query."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is not None and user.is_authenticated:
            return user.notifications.filter(read_at__isnull=True).count()
        return 0

    return {
        "SITE_NAME": "Соседи",
        "unread_notifications": SimpleLazyObject(unread),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
    }
