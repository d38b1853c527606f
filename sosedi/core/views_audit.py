from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .audit import audit_verify
from .forms_audit import AuditFilterForm
from .selectors_audit import audit_events


@login_required
@permission_required("core.view_audit", raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_events(**{k: v for k, v in filters.items() if v not in (None, "")})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@permission_required("core.view_audit", raise_exception=True)
@require_POST
def audit_check(request):
    # Walks the whole chain, so only on request (POST), never on every page view.
    result = audit_verify()
    if result.ok:
        messages.success(request, _("Журнал цел: проверено записей — %(n)s.") % {"n": result.checked})
    else:
        messages.error(
            request,
            _("Журнал нарушен на записи №%(seq)s: %(reason)s. Проверено записей до неё — %(n)s.")
            % {"seq": result.first_bad_seq, "reason": result.reason, "n": result.checked},
        )
    return redirect("audit:list")
