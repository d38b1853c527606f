"""The meeting's documents: protocol and registration sheet (DOCX), and the page that checks the record."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .documents import protocol_docx, registration_sheet_docx
from .models import Meeting, MeetingState
from .verification import hash_stage, verify_meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _visible(request, pk) -> Meeting:
    meeting = selectors.visible_meeting(request.user, pk)
    if meeting is None:
        raise Http404(_("Собрание не найдено"))
    return meeting


def docx_response(content: bytes, meeting: Meeting, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{meeting.pk}-{day}.docx"'
    return response


def protocol(request, pk):
    """Public once the meeting is over: the results of a собрание are to be published (ст. 29, 30 131-ФЗ)."""
    meeting = _visible(request, pk)
    if meeting.state != MeetingState.CLOSED:
        messages.info(request, _("Протокол формируется после закрытия собрания."))
        return redirect("meetings:detail", meeting.pk)
    return docx_response(protocol_docx(meeting, base_url=request.build_absolute_uri("/")), meeting, "protocol")


def registration_sheet(request, pk):
    """Holds names, addresses and years of birth (152-ФЗ): only for those who run the meeting."""
    meeting = _visible(request, pk)
    if not request.user.has_perm("meetings.view_participants", meeting):
        if not request.user.is_authenticated:
            # The chair following a link while logged out should land on the login page, not on a bare 403.
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return docx_response(registration_sheet_docx(meeting), meeting, "registration")


def verify(request, pk):
    """Anyone may check the record. A hash copied from a paper protocol printed before the last results were
    published is still a valid state of the record: the page says which stage it marks."""
    meeting = _visible(request, pk)
    printed = (request.GET.get("hash") or "").strip()[:80]
    stage = hash_stage(meeting, printed) if printed else None
    return render(
        request,
        "meetings/verify.html",
        {"meeting": meeting, "check": verify_meeting(meeting), "printed": printed, "stage": stage},
    )
