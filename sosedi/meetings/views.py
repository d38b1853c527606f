"""Meeting pages: thin — parse, permit, call a service or selector, render. Every action is a plain form
POST that redirects back (works without JavaScript); htmx only refreshes the quorum line by itself."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosedi.core.forms_errors import apply_service_errors
from sosedi.core.pagecache import cache_public_page
from sosedi.territories.models import Tos

from . import selectors, services
from .forms import (
    AgendaItemForm,
    BallotForm,
    CharterForm,
    DelegateForm,
    DoorCodeForm,
    MaterialForm,
    MeetingForm,
    OpenMeetingForm,
    PaperBallotForm,
    PaperRegistrationForm,
    PaperTallyForm,
    ProxyForm,
    default_start,
)
from .models import AgendaItem, Choice, Meeting, MeetingKind, MeetingState, ParticipationMode, VoteState
from .quorum import cached_quorum, counted_participants, meeting_quorum
from .rules_snapshot import charter_of, meeting_rules


def _meeting(request, pk, perm="meetings.view_meeting") -> Meeting:
    # Pages read the cached copy; actions load the meeting afresh, so a service never acts on a stale state.
    meeting = selectors.visible_meeting(request.user, pk, for_page=request.method in ("GET", "HEAD"))
    if meeting is None:
        raise Http404(_("Собрание не найдено"))
    if perm != "meetings.view_meeting" and not request.user.has_perm(perm, meeting):
        raise PermissionDenied
    return meeting


def _back(meeting, anchor=""):
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + anchor)


def _service_error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def meeting_list(request):
    tos = None
    if request.GET.get("tos", "").isdigit():
        tos = Tos.objects.filter(pk=int(request.GET["tos"])).first()
    state = request.GET.get("state", "")
    qs = selectors.meeting_list(user=request.user, tos=tos, state=state if state in ("upcoming", "past") else "")
    can_add = tos is not None and request.user.has_perm("meetings.add_meeting", tos)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": qs[:100],
            "tos": tos,
            "state": state,
            "can_add": can_add,
            "my_tos": selectors.tos_i_lead(request.user) if tos is None else [],
        },
    )


@login_required
def meeting_create(request, tos_pk):
    tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=tos_pk)
    if not request.user.has_perm("meetings.add_meeting", tos):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, initial={"starts_at": default_start()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, tos=tos, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Черновик создан. Добавьте вопросы повестки и назначьте собрание."))
            return redirect("meetings:edit", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "tos": tos})


@login_required
def charter_edit(request, tos_pk):
    tos = get_object_or_404(Tos, pk=tos_pk)
    if not request.user.has_perm("meetings.change_charter", tos):
        raise PermissionDenied
    charter = charter_of(tos)
    form = CharterForm(request.POST or None, instance=charter)
    if request.method == "POST" and form.is_valid():
        services.charter_update(actor=request.user, tos=tos, **form.cleaned_data)
        messages.success(request, _("Положения устава сохранены. Они применяются к собраниям, открытым после этого."))
        return redirect(reverse("meetings:list") + f"?tos={tos.pk}")
    return render(request, "meetings/charter.html", {"form": form, "tos": tos})


def _detail_context(request, meeting):
    rules = meeting_rules(meeting)
    part = selectors.my_part(request.user, meeting, proxies_allowed=rules["proxies_allowed"])
    user = request.user
    eligibility = ""
    if user.is_authenticated and part.participant is None and meeting.state in (MeetingState.CALLED, MeetingState.OPEN):
        eligibility = services.eligibility_error(user, meeting, rules)
    items = list(meeting.agenda_items.all())
    for item in items:
        item.ballot_form = None
        if part.participant is not None and meeting.state == MeetingState.OPEN and item.vote_state == VoteState.OPEN:
            item.ballot_form = BallotForm(item=item, represented=part.represented, auto_id=f"v{item.pk}_%s")
    return {
        "meeting": meeting,
        "tos": meeting.tos,
        "items": items,
        "rules": rules,
        "quorum": cached_quorum(meeting, rules),
        "part": part,
        "registration_phase": meeting.state in (MeetingState.CALLED, MeetingState.OPEN),
        "choices": Choice.choices,
        "can_view_participants": user.has_perm("meetings.view_participants", meeting),
        "can_run": user.has_perm("meetings.run_meeting", meeting),
        "can_edit": user.has_perm("meetings.change_meeting", meeting),
        "can_publish": user.has_perm("meetings.publish_results", meeting),
        # Eligibility (membership, age, delegate list, council) is stricter than the check-in permission and
        # already answers it; the service checks both when the button is pressed.
        "can_check_in": meeting.state == MeetingState.OPEN and not eligibility and part.participant is None,
        "eligibility": eligibility,
        "notice_warning": services.notice_shortfall(meeting, rules) if meeting.called_at else "",
        "receipt": request.session.pop(f"receipt-{meeting.pk}", None),
        "has_receipts": any(i.secret and i.vote_state == VoteState.PUBLISHED for i in items),
    }


@cache_public_page(scopes=lambda pk: [selectors.meeting_scope(pk)])
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@cache_public_page(scopes=lambda pk: [selectors.meeting_scope(pk)])
def quorum_panel(request, pk):
    """The quorum line alone, polled by htmx every few seconds while the meeting is open."""
    meeting = _meeting(request, pk)
    return render(request, "meetings/_quorum.html", {"meeting": meeting, "quorum": cached_quorum(meeting)})


@login_required
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    meeting_form = MeetingForm(
        request.POST if request.POST.get("form") == "meeting" else None,
        editing=True,
        initial={
            f: getattr(meeting, f) for f in ("format", "title", "starts_at", "ends_at", "place", "link", "convened_by")
        },
    )
    item_form = AgendaItemForm(request.POST if request.POST.get("form") == "item" else None, auto_id="item_%s")
    material_form = MaterialForm(
        request.POST if request.POST.get("form") == "material" else None,
        request.FILES or None,
        auto_id="mat_%s",
    )
    delegate_form = DelegateForm(
        request.POST if request.POST.get("form") == "delegate" else None,
        auto_id="del_%s",
        initial={"represents": meeting_rules(meeting)["conference_norm"]},  # the charter's norm of representation
    )
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "meeting" and meeting_form.is_valid():
                services.meeting_update(actor=request.user, meeting=meeting, **meeting_form.cleaned_data)
                messages.success(request, _("Сохранено."))
                return redirect("meetings:edit", meeting.pk)
            if which == "item" and item_form.is_valid():
                data = item_form.cleaned_data
                services.agenda_item_add(
                    actor=request.user,
                    meeting=meeting,
                    title=data["title"],
                    description=data["description"],
                    question=data["question"],
                    vote_kind=data["vote_kind"],
                    seats=data["seats"] or 1,
                    secret=data["secret"],
                    candidates=data["candidates"].splitlines(),
                )
                messages.success(request, _("Вопрос добавлен в повестку."))
                return redirect("meetings:edit", meeting.pk)
            if which == "material" and material_form.is_valid():
                item = get_object_or_404(AgendaItem, pk=material_form.cleaned_data["item"], meeting=meeting)
                services.material_add(
                    actor=request.user,
                    item=item,
                    title=material_form.cleaned_data["title"],
                    file=material_form.cleaned_data["file"],
                )
                messages.success(request, _("Материал прикреплён."))
                return redirect("meetings:edit", meeting.pk)
            if which == "delegate" and delegate_form.is_valid():
                services.delegate_add(actor=request.user, meeting=meeting, **delegate_form.cleaned_data)
                messages.success(request, _("Делегат добавлен."))
                return redirect("meetings:edit", meeting.pk)
            if which == "remove_item":
                item_pk = request.POST.get("item", "")
                item = get_object_or_404(AgendaItem, pk=int(item_pk) if item_pk.isdigit() else 0, meeting=meeting)
                services.agenda_item_remove(actor=request.user, item=item)
                messages.success(request, _("Вопрос убран из повестки."))
                return redirect("meetings:edit", meeting.pk)
        except ValidationError as error:
            form = {
                "meeting": meeting_form,
                "item": item_form,
                "material": material_form,
                "delegate": delegate_form,
            }.get(which)
            if form is not None:
                apply_service_errors(form, error)
            else:
                _service_error(request, error)
    return render(
        request,
        "meetings/edit.html",
        {
            "meeting": meeting,
            "tos": meeting.tos,
            "items": list(meeting.agenda_items.all()),
            "meeting_form": meeting_form,
            "item_form": item_form,
            "material_form": material_form,
            "delegate_form": delegate_form,
            "delegates": list(meeting.delegates.all()),
            "is_conference": meeting.kind == MeetingKind.CONFERENCE,
            "rules": meeting_rules(meeting),
        },
    )


@login_required
@require_POST
def meeting_state(request, pk, action):
    meeting = _meeting(request, pk, "meetings.run_meeting")
    try:
        if action == "call":
            warning = services.meeting_call(actor=request.user, meeting=meeting)
            messages.success(request, _("Собрание назначено, участники ТОС получили оповещение."))
            if warning:
                messages.warning(request, warning)
        elif action == "open":
            form = OpenMeetingForm(request.POST)
            if not form.is_valid():
                raise ValidationError([message for errors in form.errors.values() for message in errors])
            services.meeting_open(actor=request.user, meeting=meeting, **form.cleaned_data)
            messages.success(request, _("Собрание открыто: регистрация идёт, база кворума зафиксирована."))
        elif action == "close":
            services.meeting_close(actor=request.user, meeting=meeting)
            messages.success(request, _("Собрание закрыто."))
        elif action == "cancel":
            services.meeting_cancel(actor=request.user, meeting=meeting, reason=request.POST.get("reason", ""))
            messages.success(request, _("Собрание отменено."))
        else:
            raise Http404
    except ValidationError as error:
        _service_error(request, error)
    return _back(meeting)


@login_required
@require_POST
def check_in(request, pk):
    meeting = _meeting(request, pk)
    try:
        services.check_in_remote(actor=request.user, meeting=meeting)
        messages.success(request, _("Вы зарегистрированы как дистанционный участник."))
    except ValidationError as error:
        _service_error(request, error)
    return _back(meeting, "#quorum")


def _qr_svg(text: str) -> str:
    # Without a fixed size the drawing scales with its box (viewBox), so it fills a phone screen for the camera.
    return segno.make(text, error="m").svg_inline(
        scale=6, dark="#000", light="#fff", title=_("Код для входа"), omitsize=True
    )


@login_required
def door_pass(request, pk):
    meeting = _meeting(request, pk)
    try:
        door = services.door_pass_issue(actor=request.user, meeting=meeting)
    except ValidationError as error:
        _service_error(request, error)
        return _back(meeting)
    return render(
        request,
        "meetings/pass.html",
        {"meeting": meeting, "door": door, "qr": _qr_svg(door.code)},
    )


@login_required
@require_POST
def vote(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    part = selectors.my_part(request.user, meeting)
    form = BallotForm(request.POST, item=item, represented=part.represented)
    if form.is_valid():
        on_behalf = None
        if form.cleaned_data["on_behalf_of"]:
            on_behalf = next((p for p in part.represented if p.pk == form.cleaned_data["on_behalf_of"]), None)
        try:
            _ballot, receipt, replaced = services.ballot_cast(
                actor=request.user,
                item=item,
                choice=form.cleaned_data["choice"] or None,
                candidate_ids=form.cleaned_data["candidates"],
                on_behalf_of=on_behalf,
            )
        except ValidationError as error:
            _service_error(request, error)
        else:
            if receipt:
                request.session[f"receipt-{meeting.pk}"] = {"item": item.title, "code": receipt}
            messages.success(request, _("Голос изменён.") if replaced else _("Голос учтён."))
    else:
        messages.error(request, _("Выберите вариант ответа."))
    return _back(meeting, f"#item-{item.pk}")


@login_required
@require_POST
def item_action(request, pk, item_pk, action):
    meeting = _meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    try:
        if action == "open":
            services.vote_open(actor=request.user, item=item)
            messages.success(request, _("Голосование открыто."))
        elif action == "close":
            services.vote_close(actor=request.user, item=item)
            messages.success(request, _("Голосование закрыто, итог подсчитан."))
        elif action == "publish":
            services.vote_publish(actor=request.user, item=item)
            messages.success(request, _("Итоги опубликованы."))
        else:
            raise Http404
    except ValidationError as error:
        _service_error(request, error)
    return _back(meeting, f"#item-{item.pk}")


def _desk_forms(meeting, post=None, which=None):
    rules = meeting_rules(meeting)
    delegates = list(meeting.delegates.all()) if meeting.kind == MeetingKind.CONFERENCE else None
    present = list(counted_participants(meeting, rules).exclude(mode=ParticipationMode.REMOTE).order_by("full_name"))
    holders = [p for p in present if p.mode != ParticipationMode.PROXY]
    open_items = [i for i in meeting.agenda_items.all() if i.vote_state == VoteState.OPEN]
    return {
        "code_form": DoorCodeForm(post if which == "code" else None, auto_id="code_%s"),
        "paper_form": PaperRegistrationForm(
            post if which == "paper" else None, delegates=delegates, auto_id="paper_%s"
        ),
        "proxy_form": ProxyForm(post if which == "proxy" else None, holders=holders, auto_id="proxy_%s")
        if rules["proxies_allowed"] and meeting.kind != MeetingKind.CONFERENCE
        else None,
        "ballot_forms": [
            (
                item,
                PaperBallotForm(
                    post if which == f"ballot-{item.pk}" else None, item=item, voters=present, auto_id=f"pb{item.pk}_%s"
                ),
                PaperTallyForm(
                    post if which == f"tally-{item.pk}" else None,
                    auto_id=f"pt{item.pk}_%s",
                    initial=_tally_initial(item),
                )
                if item.vote_kind == "question"
                else None,
            )
            for item in open_items
        ],
        "delegates": delegates,
    }


def _tally_initial(item):
    tally = getattr(item, "paper_tally", None)  # the reverse one-to-one raises an AttributeError when absent
    if tally is None:
        return {}
    return {"votes_for": tally.votes_for, "votes_against": tally.votes_against, "votes_abstain": tally.votes_abstain}


@login_required
def secretary_desk(request, pk):
    """The secretary's table at the door and in the hall: codes, paper registrations, proxies, paper ballots."""
    meeting = _meeting(request, pk, "meetings.run_meeting")
    which = request.POST.get("form") if request.method == "POST" else None
    forms = _desk_forms(meeting, request.POST or None, which)
    if request.method == "POST":
        try:
            done = _desk_post(request, meeting, which, forms)
        except ValidationError as error:
            form = _desk_form_for(forms, which)
            if form is not None:
                apply_service_errors(form, error)
            else:
                _service_error(request, error)
            done = False
        if done:
            return redirect("meetings:desk", meeting.pk)
    return render(
        request,
        "meetings/desk.html",
        {
            "meeting": meeting,
            "tos": meeting.tos,
            "quorum": meeting_quorum(meeting),
            "participants": selectors.participants(meeting),
            **forms,
        },
    )


def _desk_form_for(forms, which):
    if which in ("code", "paper", "proxy"):
        return forms[f"{which}_form"]
    for item, ballot_form, tally_form in forms["ballot_forms"]:
        if which == f"ballot-{item.pk}":
            return ballot_form
        if which == f"tally-{item.pk}":
            return tally_form
    return None


def _desk_post(request, meeting, which, forms) -> bool:
    form = _desk_form_for(forms, which)
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    if which == "code":
        p = services.check_in_by_code(actor=request.user, meeting=meeting, code=data["code"])
        messages.success(request, _("%(name)s отмечен(а) у входа.") % {"name": p.full_name})
    elif which == "paper":
        delegate = None
        if data.get("delegate"):
            delegate = meeting.delegates.filter(pk=data["delegate"]).first()
        p = services.register_paper(
            actor=request.user,
            meeting=meeting,
            full_name=data["full_name"],
            birth_year=data["birth_year"],
            address=data["address"],
            delegate=delegate,
        )
        messages.success(request, _("%(name)s внесён(а) по бумажному листу регистрации.") % {"name": p.full_name})
    elif which == "proxy":
        holder = meeting.participants.get(pk=data["holder"])
        p = services.proxy_register(
            actor=request.user,
            meeting=meeting,
            holder=holder,
            full_name=data["full_name"],
            birth_year=data["birth_year"],
            address=data["address"],
            document=data["document"],
        )
        messages.success(request, _("Доверенность %(name)s записана.") % {"name": p.full_name})
    else:
        item_pk = int(which.split("-")[1])
        item = meeting.agenda_items.get(pk=item_pk)
        if which.startswith("ballot-"):
            participant = meeting.participants.get(pk=data["participant"])
            services.paper_ballot_enter(
                actor=request.user,
                item=item,
                participant=participant,
                choice=data["choice"] or None,
                candidate_ids=data["candidates"],
            )
            messages.success(request, _("Бюллетень %(name)s учтён.") % {"name": participant.full_name})
        else:
            services.paper_tally_set(actor=request.user, item=item, **data)
            messages.success(request, _("Итоги бумажного голосования сохранены."))
    return True


def receipts(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/receipts.html", {"meeting": meeting, "rows": selectors.receipts(meeting)})
