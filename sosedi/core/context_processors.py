from django.conf import settings


def site(request):
    """Values every page needs: the site name and whether the viewer has unread notifications."""
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"SITE_NAME": "Соседи", "unread_notifications": unread, "MAP_TILE_URL": settings.MAP_TILE_URL}
