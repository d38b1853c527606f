from django.shortcuts import get_object_or_404, render

from .models import Tos


def tos_detail(request, pk):
    tos = get_object_or_404(Tos, pk=pk)
    return render(request, "territories/tos_detail.html", {"tos": tos})
