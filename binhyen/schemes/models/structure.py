"""The self-management structure: steering committees (commune), boards (residential
area), groups (tổ) with households and members, and grassroots security teams."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from ..choices import GroupKind, MemberRole
from .catalogue import Searchable
from .points import Scheme


def _interval_check(name: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


class _Body(models.Model):
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=255)
    head_name = models.CharField(_("head"), max_length=120, blank=True)
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audit.register(unit_of=lambda b: b.unit_id)
class SteeringCommittee(_Body):
    """Ban chỉ đạo of a commune."""

    class Meta(_Body.Meta):
        verbose_name = _("steering committee")
        verbose_name_plural = _("steering committees")
        default_related_name = "steering_committees"
        constraints = [
            _interval_check("schemes_committee_interval", "established_on", "dissolved_on")
        ]


@audit.register(unit_of=lambda b: b.unit_id)
class SelfManagementBoard(_Body):
    """Ban tự quản of a residential area."""

    class Meta(_Body.Meta):
        verbose_name = _("self-management board")
        verbose_name_plural = _("self-management boards")
        default_related_name = "self_management_boards"
        constraints = [_interval_check("schemes_board_interval", "established_on", "dissolved_on")]


@audit.register(unit_of=lambda g: g.residential_area_id)
class Group(models.Model):
    """A self-management group (tổ) of one residential area, usually 20 to 30 households.
    It may belong to a scheme point (an inter-household group scheme)."""

    ref = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Stable key of the record in imported spreadsheets; unique when given."),
    )
    kind = models.CharField(
        _("kind of group"),
        max_length=30,
        choices=GroupKind.choices,
        default=GroupKind.INTER_HOUSEHOLD,
    )
    name = models.CharField(_("name"), max_length=255)
    residential_area = models.ForeignKey(
        AdminUnit, verbose_name=_("residential area"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.ForeignKey(
        Scheme,
        verbose_name=_("scheme point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["residential_area_id", "name"]
        indexes = [
            models.Index(
                fields=["residential_area", "established_on"], name="schemes_group_area_idx"
            )
        ]
        constraints = [
            _interval_check("schemes_group_interval", "established_on", "dissolved_on"),
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="schemes_group_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audit.register(unit_of=lambda h: h.residential_area_id)
class Household(Searchable):
    search_fields = ("head_name", "address")

    ref = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Stable key of the record in imported spreadsheets; unique when given."),
    )
    residential_area = models.ForeignKey(
        AdminUnit, verbose_name=_("residential area"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("head of household"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    people = models.PositiveSmallIntegerField(_("people"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["residential_area_id", "head_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="schemes_household_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.head_name


@audit.register(unit_of=lambda m: m.group.residential_area_id)
class GroupHousehold(models.Model):
    """A household's membership of a group for an interval. A household is in at most one
    inter-household group at a time (checked by the services)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("household in a group")
        verbose_name_plural = _("households in groups")
        ordering = ["group_id", "joined_on", "pk"]
        indexes = [
            models.Index(fields=["group", "joined_on"], name="schemes_gh_group_idx"),
            models.Index(fields=["household", "joined_on"], name="schemes_gh_household_idx"),
        ]
        constraints = [_interval_check("schemes_gh_interval", "joined_on", "left_on")]

    def __str__(self) -> str:
        return f"{self.household} → {self.group}"


@audit.register(unit_of=lambda m: m.group.residential_area_id)
class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group_id", "role", "full_name"]
        indexes = [models.Index(fields=["group", "joined_on"], name="schemes_member_group_idx")]
        constraints = [_interval_check("schemes_member_interval", "joined_on", "left_on")]

    def __str__(self) -> str:
        return self.full_name


@audit.register(unit_of=lambda t: t.commune_id)
class SecurityTeam(models.Model):
    """Tổ bảo vệ ANTT ở cơ sở (statutory since 1 Jul 2024), formed by the commune
    chairman's decision, covering some residential areas."""

    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=255)
    decision_number = models.CharField(_("formation decision number"), max_length=60)
    decision_date = models.DateField(_("formation decision date"))
    signer = models.CharField(_("signed by"), max_length=120, blank=True)
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    areas = models.ManyToManyField(
        AdminUnit, verbose_name=_("residential areas covered"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("grassroots security team")
        verbose_name_plural = _("grassroots security teams")
        ordering = ["commune_id", "name"]
        constraints = [_interval_check("schemes_team_interval", "formed_on", "dissolved_on")]

    def __str__(self) -> str:
        return self.name


@audit.register(unit_of=lambda m: m.team.commune_id)
class SecurityTeamMember(models.Model):
    team = models.ForeignKey(SecurityTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    appointed_on = models.DateField(_("appointed on"))
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team_id", "role", "full_name"]
        constraints = [
            _interval_check("schemes_team_member_interval", "appointed_on", "terminated_on")
        ]

    def __str__(self) -> str:
        return self.full_name
