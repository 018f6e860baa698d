"""Pages of the self-management structure: groups with their households and members,
households, steering committees and boards, grassroots security teams.

Reads go through queries.*_for_user (an object outside the user's jurisdiction is a
404); writes go through services. Groups, households and members may be written by
officers and by group leaders of the residential area (permissions.can_write_structure);
committees, boards and teams by officers (permissions.can_write_unit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple, Select
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.jurisdiction import jurisdiction_of
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import apply_service_errors, submitted
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from .. import queries, services
from ..choices import GroupKind, MemberRole
from ..filtersets.structure import GroupFilterSet, HouseholdFilterSet
from ..forms.hosts import areas_of, units_in_force
from ..forms.structure import (
    BODY_KINDS,
    BodyForm,
    DissolveForm,
    GroupForm,
    JoinForm,
    LeaveForm,
    MemberForm,
    OnDateForm,
    TeamForm,
    TeamMemberForm,
    TerminateForm,
)
from ..models import (
    Group,
    GroupHousehold,
    GroupMember,
    SecurityTeam,
    SecurityTeamMember,
)
from ..permissions import (
    OFFICER_ROLES,
    STRUCTURE_ROLES,
    can_write_anywhere,
    can_write_structure,
    can_write_unit,
)
from ..queries import Scope, in_force

PAGE_SIZE = 50
ROLE_ORDER = {MemberRole.LEADER: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


def _may_write_some_structure(user) -> bool:
    scope = jurisdiction_of(user)
    return scope.unrestricted or bool(scope.roles & STRUCTURE_ROLES)


def _count_in_force(model, fk: str, start: str, end: str, on, **filters) -> Coalesce:
    """Number of rows of `model` in force on a date per parent row, as one subquery."""
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .filter(in_force(start, end, on))
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# ---- groups --------------------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def group_list(request):
    today = geo_queries.today()
    qs = queries.groups_for_user(request.user).select_related("residential_area", "scheme")
    filterset = GroupFilterSet(request.GET or None, queryset=qs)
    groups = filterset.qs
    if request.GET.get("export") == "xlsx":
        from ..exports import xlsx_response

        return xlsx_response("groups", groups)
    leader = GroupMember.objects.filter(group=OuterRef("pk"), role=MemberRole.LEADER).filter(
        in_force("joined_on", "left_on", today)
    )
    groups = groups.annotate(
        households_now=_count_in_force(GroupHousehold, "group", "joined_on", "left_on", today),
        members_now=_count_in_force(GroupMember, "group", "joined_on", "left_on", today),
        leader_name=Subquery(leader.order_by("joined_on").values("full_name")[:1]),
    ).order_by("residential_area__code", "name", "pk")
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "today": today}
    if request.htmx:
        return render(request, "schemes/_group_rows.html", context)
    on_form = OnDateForm(request.GET or None)
    on = on_form.on_date()
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context.update(
        on_form=on_form,
        summary=queries.structure_on(Scope(user=request.user), on),
        can_create=_may_write_some_structure(request.user),
        export_query=query.urlencode(),
        kept=[(k, v) for k, v in request.GET.items() if k not in ("on", "page")],
    )
    return render(request, "schemes/group_list.html", context)


def _group_page(request, group: Group, status: int = 200, **bound):
    """The group page; `bound` carries a form that failed, shown with its errors."""
    today = geo_queries.today()
    memberships = list(group.memberships.select_related("household").order_by("-joined_on", "pk"))
    members = sorted(
        group.members.select_related("household"),
        key=lambda m: (ROLE_ORDER.get(m.role, 9), m.full_name),
    )

    def current(row, end):
        value = getattr(row, end)
        return value is None or value > today

    can_write = can_write_structure(request.user, group.residential_area)
    open_group = group.dissolved_on is None
    forms = {}
    if can_write and open_group:
        forms = {
            "join_form": bound.get("join_form") or JoinForm(group=group),
            "member_form": bound.get("member_form") or MemberForm(group=group),
            "dissolve_form": bound.get("dissolve_form") or DissolveForm(group=group),
            "leave_form": bound.get("leave_form") or LeaveForm(),
        }
    elif bound.get("stale"):  # dissolved meanwhile: the form as typed, with their date
        forms = {"dissolve_form": bound["dissolve_form"]}
    context = {
        "group": group,
        "area_version": geo_queries.version_on(group.residential_area, today)
        or group.residential_area.versions.order_by("-valid_from").first(),
        "households_now": [m for m in memberships if current(m, "left_on")],
        "households_past": [m for m in memberships if not current(m, "left_on")],
        "members_now": [m for m in members if current(m, "left_on")],
        "members_past": [m for m in members if not current(m, "left_on")],
        "can_write": can_write and open_group,
        "failed": bound.get("failed", ""),
        "failed_row": bound.get("failed_row"),
        "today": today,
        "stale": bound.get("stale", False),
        "differences": bound.get("differences", []),
        **forms,
    }
    return render(request, "schemes/group_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def group_detail(request, pk: int):
    return _group_page(request, queries.get_group_for_user(request.user, pk))


def _writable_group(request, pk: int) -> Group:
    group = queries.get_group_for_user(request.user, pk)
    if not can_write_structure(request.user, group.residential_area):
        raise PermissionDenied
    return group


def _done(request, group: Group):
    messages.success(request, _("Saved."))
    return redirect("schemes:group", pk=group.pk)


@scoping(JURISDICTION)
@login_required
def group_new(request):
    if not _may_write_some_structure(request.user):
        raise PermissionDenied
    schemes = queries.schemes_for_user(request.user)
    initial = {}
    if request.GET.get("scheme", "").isdigit():
        point = schemes.filter(pk=request.GET["scheme"]).select_related("unit").first()
        if point is not None:
            initial["scheme"] = point.pk
            if point.unit.level == Level.RESIDENTIAL_AREA:
                initial["residential_area"] = point.unit.code
    form = GroupForm(request.POST or None, user=request.user, schemes=schemes, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not can_write_structure(request.user, data["residential_area"]):
                raise PermissionDenied
            try:
                group = services.create_group(**data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _done(request, group)
        status = 400
    return render(request, "schemes/group_form.html", {"form": form}, status=status)


@scoping(JURISDICTION)
@login_required
@require_POST
def group_join(request, pk: int):
    """A household of the area joins the group: an existing one, or a new one created
    in the same transaction (nothing is written if the join is refused)."""
    group = _writable_group(request, pk)
    form = JoinForm(request.POST, group=group)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                household = data["household"] or services.create_household(
                    residential_area=group.residential_area,
                    head_name=data["head_name"],
                    address=data["address"],
                    people=data["people"],
                )
                services.join_group(group, household, data["joined_on"])
        except ValidationError as exc:
            rename = {} if data["household"] else {"household": None}
            apply_service_errors(form, exc, rename)
        else:
            return _done(request, group)
    return _group_page(request, group, 400, join_form=form, failed="join")


@scoping(JURISDICTION)
@login_required
@require_POST
def group_leave(request, pk: int, membership_pk: int):
    group = _writable_group(request, pk)
    membership = get_object_or_404(GroupHousehold, pk=membership_pk, group=group)
    form = LeaveForm(request.POST)
    if submitted(form, lambda d: services.leave_group(membership, d["left_on"])):
        return _done(request, group)
    return _group_page(
        request, group, 400, leave_form=form, failed="leave", failed_row=membership.pk
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def group_member_add(request, pk: int):
    group = _writable_group(request, pk)
    form = MemberForm(request.POST, group=group)
    if submitted(form, lambda d: services.add_member(group, **d)):
        return _done(request, group)
    return _group_page(request, group, 400, member_form=form, failed="member")


@scoping(JURISDICTION)
@login_required
@require_POST
def group_member_end(request, pk: int, member_pk: int):
    group = _writable_group(request, pk)
    member = get_object_or_404(GroupMember, pk=member_pk, group=group)
    form = LeaveForm(request.POST)
    if submitted(form, lambda d: services.end_membership(member, d["left_on"])):
        return _done(request, group)
    return _group_page(
        request, group, 400, leave_form=form, failed="member_end", failed_row=member.pk
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def group_dissolve(request, pk: int):
    group = _writable_group(request, pk)
    form = DissolveForm(request.POST, group=group)

    def dissolve(data):
        services.dissolve_group(group, data["dissolved_on"], version=data.get("version"))

    try:
        if submitted(form, dissolve):
            return _done(request, group)
    except stale.StaleEdit:
        current = queries.get_group_for_user(request.user, group.pk)  # still in scope?
        shown = stale.stale_context(form, {"dissolved_on": current.dissolved_on})
        form = DissolveForm(stale.resubmitted(request.POST, current), group=current)
        form.is_valid()
        return _group_page(request, current, 409, dissolve_form=form, failed="dissolve", **shown)
    return _group_page(request, group, 400, dissolve_form=form, failed="dissolve")


# ---- households ----------------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def household_list(request):
    today = geo_queries.today()
    qs = queries.households_for_user(request.user).select_related("residential_area")
    filterset = HouseholdFilterSet(request.GET or None, queryset=qs)
    current = (
        GroupHousehold.objects.filter(
            household=OuterRef("pk"), group__kind=GroupKind.INTER_HOUSEHOLD
        )
        .filter(in_force("joined_on", "left_on", today))
        .order_by("-joined_on")
    )
    households = filterset.qs.annotate(
        group_id_now=Subquery(current.values("group_id")[:1]),
        group_name_now=Subquery(current.values("group__name")[:1]),
    ).order_by("residential_area__code", "head_name", "pk")
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "today": today}
    template = "schemes/_household_rows.html" if request.htmx else "schemes/household_list.html"
    return render(request, template, context)


# ---- steering committees and self-management boards ---------------------------------------


def _body_page(request, kind: str | None = None, form=None, status=200):
    kind = kind or request.GET.get("kind")
    if form is not None and form.data.get("kind") in BODY_KINDS:
        kind = form.data["kind"]
    kind = kind if kind in BODY_KINDS else "committee"
    show_all = request.GET.get("state") == "all"
    model = BODY_KINDS[kind]
    today = geo_queries.today()
    qs = queries.bodies_for_user(request.user, model).select_related("unit")
    if not show_all:
        qs = qs.filter(in_force("established_on", "dissolved_on", today))
    page = Paginator(qs.order_by("unit__code", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_write = can_write_anywhere(request.user)
    context = {
        "kind": kind,
        "show_all": show_all,
        "page": page,
        "today": today,
        "summary": queries.structure_on(Scope(user=request.user), today),
        "can_write": can_write,
        "form": (form or BodyForm(initial={"kind": kind})) if can_write else None,
        "dissolve_form": DissolveForm(),
    }
    return render(request, "schemes/body_list.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def body_list(request):
    """Steering committees (communes) and self-management boards (residential areas);
    officers create them here."""
    if request.method != "POST":
        return _body_page(request)
    if not can_write_anywhere(request.user):
        raise PermissionDenied
    form = BodyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not can_write_unit(request.user, data["unit"]):
            form.add_error("unit_code", _("This unit is outside your jurisdiction."))
        else:
            try:
                services.create_body(
                    BODY_KINDS[data["kind"]],
                    unit=data["unit"],
                    name=data["name"],
                    established_on=data["established_on"],
                    head_name=data["head_name"],
                    decision=data["decision"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {"unit": "unit_code"})
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?kind={data['kind']}")
    return _body_page(request, form=form, status=400)


@scoping(JURISDICTION)
@login_required
@require_POST
def body_dissolve(request, kind: str, pk: int):
    if kind not in BODY_KINDS:
        raise Http404
    body = get_object_or_404(queries.bodies_for_user(request.user, BODY_KINDS[kind]), pk=pk)
    if not can_write_unit(request.user, body.unit):
        raise PermissionDenied
    form = DissolveForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            services.dissolve_body(body, form.cleaned_data["dissolved_on"])
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('schemes:bodies')}?kind={kind}")
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    for error in errors:
        messages.error(request, f"{body.name}: {error}")
    return _body_page(request, kind, status=400)


# ---- grassroots security teams ------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def team_list(request):
    today = geo_queries.today()
    show_all = request.GET.get("state") == "all"
    qs = queries.security_teams_for_user(request.user).select_related("commune")
    if not show_all:
        qs = qs.filter(in_force("formed_on", "dissolved_on", today))
    teams = qs.annotate(
        members_now=_count_in_force(
            SecurityTeamMember, "team", "appointed_on", "terminated_on", today
        ),
        areas_count=Count("areas", distinct=True),
    ).order_by("commune__code", "name", "pk")
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show_all": show_all,
        "today": today,
        "summary": queries.structure_on(Scope(user=request.user), today),
        "can_create": can_write_anywhere(request.user),
    }
    return render(request, "schemes/team_list.html", context)


@scoping(JURISDICTION)
@login_required
def team_new(request):
    if not can_write_anywhere(request.user):
        raise PermissionDenied
    form = TeamForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not can_write_unit(request.user, data["commune"]):
                raise PermissionDenied
            try:
                team = services.form_security_team(
                    commune=data["commune"],
                    name=data["name"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    formed_on=data["formed_on"],
                    signer=data["signer"],
                    areas=list(data["areas"]),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("schemes:team", pk=team.pk)
        status = 400
    return render(request, "schemes/team_form.html", {"form": form}, status=status)


def _team(request, pk: int) -> SecurityTeam:
    return queries.get_security_team_for_user(request.user, pk)


def _team_page(request, team: SecurityTeam, status: int = 200, **bound):
    today = geo_queries.today()
    members = sorted(team.members.all(), key=lambda m: (ROLE_ORDER.get(m.role, 9), m.full_name))
    can_write = can_write_unit(request.user, team.commune) and team.dissolved_on is None
    context = {
        "team": team,
        "areas": list(team.areas.order_by("code")),
        "members_now": [m for m in members if not m.terminated_on or m.terminated_on > today],
        "members_past": [m for m in members if m.terminated_on and m.terminated_on <= today],
        "can_write": can_write,
        "failed": bound.get("failed", ""),
        "failed_row": bound.get("failed_row"),
        "today": today,
    }
    if can_write:
        context.update(
            member_form=bound.get("member_form") or TeamMemberForm(),
            terminate_form=bound.get("terminate_form") or TerminateForm(),
            dissolve_form=bound.get("dissolve_form") or DissolveForm(),
        )
    return render(request, "schemes/team_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def team_detail(request, pk: int):
    return _team_page(request, _team(request, pk))


def _writable_team(request, pk: int) -> SecurityTeam:
    team = _team(request, pk)
    if not can_write_unit(request.user, team.commune):
        raise PermissionDenied
    return team


@scoping(JURISDICTION)
@login_required
@require_POST
def team_member_add(request, pk: int):
    team = _writable_team(request, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.appoint_team_member(team, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:team", pk=team.pk)
    return _team_page(request, team, 400, member_form=form, failed="member")


@scoping(JURISDICTION)
@login_required
@require_POST
def team_member_end(request, pk: int, member_pk: int):
    team = _writable_team(request, pk)
    member = get_object_or_404(SecurityTeamMember, pk=member_pk, team=team)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            services.terminate_team_member(member, form.cleaned_data["terminated_on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:team", pk=team.pk)
    return _team_page(
        request, team, 400, terminate_form=form, failed="member_end", failed_row=member.pk
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def team_dissolve(request, pk: int):
    team = _writable_team(request, pk)
    form = DissolveForm(request.POST)
    if form.is_valid():
        try:
            services.dissolve_security_team(team, form.cleaned_data["dissolved_on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:team", pk=team.pk)
    return _team_page(request, team, 400, dissolve_form=form, failed="dissolve")


# ---- helpers for forms ------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def area_options(request):
    """The residential areas of a commune (in force today, in the user's jurisdiction),
    as the widget of a form field: a select, or checkboxes with ?multiple=1."""
    name = request.GET.get("name") or "residential_area"
    code = request.GET.get(request.GET.get("from") or "commune") or ""
    commune = None
    if code:
        commune = (
            units_in_force(Level.COMMUNE, request.user, roles=OFFICER_ROLES | STRUCTURE_ROLES)
            .filter(code=code)
            .first()
        )
    choices = [(u.code, f"{u.name} ({u.code})") for u in areas_of(commune)]
    attrs = {"id": f"id_{name}"}
    if request.GET.get("multiple"):
        html = CheckboxSelectMultiple(choices=choices).render(name, [], attrs=attrs)
    else:
        html = Select(choices=[("", "---------"), *choices]).render(name, "", attrs=attrs)
    return HttpResponse(html)
