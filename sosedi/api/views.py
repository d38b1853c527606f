from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sosedi.accounts.models import ApiToken

from .tokens import api_token_create, api_token_revoke


@login_required
def tokens(request):
    raw_key = None
    error = None
    if request.method == "POST":
        try:
            _, raw_key = api_token_create(actor=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = exc.message_dict["name"][0]
    context = {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        "raw_key": raw_key,
        "error": error,
        "name": request.POST.get("name", "") if error else "",
    }
    return render(request, "api/tokens.html", context, status=422 if error else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    return redirect("api_pages:tokens")
