"""The officers' tip pages: the filtered list (and its XLSX export), the queue of public
tips and referrals waiting, the new-tip form, a tip's page with its timeline and the
forms of the actions the user may take, attachment downloads.

Reads go through `queries.tips_for_user` / `get_tip_for_user` (404 outside the
jurisdiction); writes through the services, after `can_write_unit` on the handling unit
(403). The informant's identity is shown only in the response to a reveal (a POST with a
reason, logged by the service), never stored in the session, never cached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.forms import apply_service_errors, submitted
from binhyen.core.stale import StaleEdit
from binhyen.geo import queries as geo_queries
from binhyen.schemes import permissions

from .. import exports, queries, services
from ..choices import REFERABLE, Author, Status
from ..filtersets import TipFilterSet
from ..forms.tips import (
    AcknowledgeForm,
    AssignForm,
    AttachForm,
    DuplicateForm,
    ReferForm,
    ReplyForm,
    RevealForm,
    StatusForm,
    TipForm,
)
from ..models import Informant, Tip, TipAttachment
from ..services.files import MAX_FILES

PAGE_SIZE = 50
REFERRALS_SHOWN = 100
LIST_RELATED = ("unit", "handling_unit", "referred_to")


def partial_request(request) -> bool:
    """An HTMX request for the results only (not a history restore, which wants a page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def list_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


# ---- list, export, queue -----------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def tip_list(request):
    tips = queries.tips_for_user(request.user).select_related(*LIST_RELATED)
    filterset = TipFilterSet(request.GET or None, queryset=tips, request=request)
    results = tips.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    if request.GET.get("export") == "xlsx":
        return exports.tips_xlsx(results)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    template = "tips/_tip_results.html" if partial_request(request) else "tips/tip_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@scoping(JURISDICTION)
@login_required
def queue(request):
    """Public tips waiting for a first look, and tips referred to the user's units waiting
    for their acknowledgement."""
    user = request.user
    public = (
        queries.public_waiting(user).select_related(*LIST_RELATED).order_by("received_at", "pk")
    )
    referred = (
        queries.referrals_waiting(user).select_related(*LIST_RELATED).order_by("received_at", "pk")
    )
    referrals = list(referred[: REFERRALS_SHOWN + 1])
    context = {
        "page": Paginator(public, PAGE_SIZE).get_page(request.GET.get("page")),
        "referrals": referrals[:REFERRALS_SHOWN],
        "more_referrals": len(referrals) > REFERRALS_SHOWN,
    }
    return render(request, "tips/queue.html", context)


# ---- new tip -----------------------------------------------------------------------------


def _private(response):
    """Pages that may carry what an officer typed about an informant: never cached."""
    add_never_cache_headers(response)
    return response


@scoping(JURISDICTION)
@login_required
def tip_new(request):
    user = request.user
    if not permissions.can_write_anywhere(user):
        raise PermissionDenied
    form = TipForm(request.POST or None, request.FILES or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    tip = services.record_tip(**form.service_values(), by=user)
                    if form.cleaned_data.get("assign_me"):
                        services.assign_officer(tip, user, by=user, recorder=True)
            except ValidationError as error:
                apply_service_errors(form, error, {"officer": "assign_me"})
            else:
                messages.success(request, _("Tip recorded."))
                return redirect("tips:detail", pk=tip.pk)
        status = 400
    return _private(render(request, "tips/tip_form.html", {"form": form}, status=status))


# ---- a tip's page --------------------------------------------------------------------------


def _place_parent(tip: Tip):
    version = geo_queries.version_on(tip.unit, tip.unit.valid_to or geo_queries.today())
    return version.parent if version is not None else None


def _tip_page(request, tip: Tip, status: int = 200, revealed=None, **forms):
    user = request.user
    can_write = permissions.can_write_unit(user, tip.handling_unit)
    informant_recorded = Informant.objects.filter(tip=tip).exists()
    may_reveal = informant_recorded and services.can_reveal(user, tip)
    can_acknowledge = (
        tip.status == Status.REFERRED
        and tip.referred_to is not None
        and permissions.can_write_unit(user, tip.referred_to)
    )
    visible = queries.tips_for_user(user)
    attachments = list(tip.attachments.all())
    context = {
        "tip": tip,
        "place_parent": _place_parent(tip),
        "can_write": can_write,
        "can_acknowledge": can_acknowledge,
        "events": list(tip.events.select_related("by", "unit")),
        "attachments": attachments,
        "conversation": list(tip.messages.select_related("officer")) if tip.is_public else [],
        "resident": Author.RESIDENT,
        "informant_recorded": informant_recorded,
        "may_reveal": may_reveal,
        "revealed": revealed,
        "officers": list(tip.officers.order_by("full_name", "username")),
        "original": (
            visible.filter(pk=tip.duplicate_of_id).first() if tip.duplicate_of_id else None
        ),
        "original_hidden": tip.duplicate_of_id is not None,
        "duplicates": list(visible.filter(duplicate_of=tip).order_by("received_at", "pk")),
        "cases": list(queries.cases_for_user(user).filter(tips=tip).select_related("unit")),
        "can_open_case": permissions.can_write_anywhere(user),
    }
    if may_reveal and revealed is None:
        context["reveal_form"] = forms.get("reveal_form") or RevealForm()
    if can_acknowledge:
        context["ack_form"] = forms.get("ack_form") or AcknowledgeForm()
    if can_write:
        status_form = forms.get("status_form") or StatusForm(tip=tip)
        assign_form = forms.get("assign_form") or AssignForm(tip=tip)
        context.update(
            status_form=status_form if status_form.offered else None,
            refer_form=(
                forms.get("refer_form") or ReferForm(tip=tip) if tip.status in REFERABLE else None
            ),
            duplicate_form=forms.get("duplicate_form") or DuplicateForm(user=user),
            assign_form=assign_form
            if assign_form.offered and services.is_chief_of(user, tip.handling_unit)
            else None,
            reply_form=forms.get("reply_form") or (ReplyForm() if tip.is_public else None),
            attach_form=(
                forms.get("attach_form") or AttachForm() if len(attachments) < MAX_FILES else None
            ),
        )
    response = render(request, "tips/tip_detail.html", context, status=status)
    return _private(response) if revealed is not None else response


@scoping(JURISDICTION)
@login_required
def tip_detail(request, pk: int):
    return _tip_page(request, queries.get_tip_for_user(request.user, pk))


def _writable_tip(request, pk: int) -> Tip:
    """The tip if the user sees it (404 otherwise) and may write it (403 otherwise)."""
    tip = queries.get_tip_for_user(request.user, pk)
    if not permissions.can_write_unit(request.user, tip.handling_unit):
        raise PermissionDenied
    return tip


def _saved(request, tip: Tip, message: str | None = None):
    messages.success(request, message or _("Saved."))
    return redirect("tips:detail", pk=tip.pk)


def _act(request, tip: Tip, form, name: str, action, rename=None):
    """Validate `form`, run `action(cleaned_data)` (a service call); on a refusal show the
    tip's page again with the form and its errors (400)."""
    if submitted(form, action, rename):
        return _saved(request, tip)
    return _tip_page(request, tip, status=400, **{name: form})


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_status(request, pk: int):
    tip = _writable_tip(request, pk)
    form = StatusForm(request.POST, tip=tip)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_status(
                tip, data["status"], data["reason"], by=request.user, version=data.get("version")
            )
        except StaleEdit:
            fresh = queries.get_tip_for_user(request.user, pk)
            form = StatusForm(tip=fresh, initial={"reason": data["reason"]})
            form.stale = True
            return _tip_page(request, fresh, status=409, status_form=form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _saved(request, tip)
    return _tip_page(request, tip, status=400, status_form=form)


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_refer(request, pk: int):
    tip = _writable_tip(request, pk)
    form = ReferForm(request.POST, tip=tip)
    return _act(
        request,
        tip,
        form,
        "refer_form",
        lambda d: services.refer(tip, d["to_unit"], d["reason"], by=request.user),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_acknowledge(request, pk: int):
    """The unit a tip was referred to takes it over (its officers only)."""
    tip = queries.get_tip_for_user(request.user, pk)
    if tip.referred_to is None or not permissions.can_write_unit(request.user, tip.referred_to):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    return _act(
        request,
        tip,
        form,
        "ack_form",
        lambda d: services.acknowledge_referral(tip, by=request.user, note=d.get("note", "")),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_duplicate(request, pk: int):
    tip = _writable_tip(request, pk)
    form = DuplicateForm(request.POST, user=request.user)
    return _act(
        request,
        tip,
        form,
        "duplicate_form",
        lambda d: services.link_duplicate(tip, d["original"], d["reason"], by=request.user),
        {"duplicate_of": "original"},
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_assign(request, pk: int):
    tip = _writable_tip(request, pk)
    form = AssignForm(request.POST, tip=tip)
    return _act(
        request,
        tip,
        form,
        "assign_form",
        lambda d: services.assign_officer(tip, d["officer"], by=request.user),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_reply(request, pk: int):
    tip = _writable_tip(request, pk)
    form = ReplyForm(request.POST)
    return _act(
        request,
        tip,
        form,
        "reply_form",
        lambda d: services.officer_reply(tip, request.user, d["body"]),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def tip_attach(request, pk: int):
    tip = _writable_tip(request, pk)
    form = AttachForm(request.POST, request.FILES)

    def attach(data):
        with transaction.atomic():
            services.attach(tip, data["attachments"])

    return _act(request, tip, form, "attach_form", attach)


@scoping(JURISDICTION)
@login_required
@never_cache
@require_POST
def tip_reveal(request, pk: int):
    """The informant's identity, once, in this response only, after a reason; the service
    checks the role again and logs the access."""
    tip = queries.get_tip_for_user(request.user, pk)
    if not services.can_reveal(request.user, tip):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            identity = services.reveal_informant(request.user, tip, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            tip.refresh_from_db()
            return _tip_page(request, tip, revealed=identity)
    return _tip_page(request, tip, status=400, reveal_form=form)


@scoping(JURISDICTION)
@login_required
@never_cache
def tip_attachment(request, pk: int, attachment_pk: int):
    """A file of a tip the user can see, always downloaded, never rendered by the
    browser as a page."""
    tip = queries.get_tip_for_user(request.user, pk)
    attachment = get_object_or_404(TipAttachment, pk=attachment_pk, tip=tip)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
