from django.db.models import Count, Q
from django.shortcuts import render

from sosedi.core.pagecache import cache_public_page
from sosedi.territories.models import Tos, TosStatus


@cache_public_page
def home(request):
    figures = Tos.objects.aggregate(
        total=Count("id", filter=~Q(status=TosStatus.LIQUIDATED)),
        registered=Count("id", filter=Q(status=TosStatus.REGISTERED)),
        municipalities=Count("municipality", filter=~Q(status=TosStatus.LIQUIDATED), distinct=True),
    )
    return render(request, "core/home.html", {"figures": figures})
