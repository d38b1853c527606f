from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    unread = notifications.filter(read_at__isnull=True).count()
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(actor=request.user, notification=notification)
    # Only local links: a notification must never send a person off-site.
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")
