"""The permission matrix: every route of the URL configuration, who may use it, and the
objects to try it on (inside the user's jurisdiction, in a commune merged into it, and
outside it). `test_permission_matrix.py` asserts each cell; a route without an entry
in RULES fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.urls import URLPattern, URLResolver, get_resolver

from binhyen.accounts.choices import Role

# --- who ---------------------------------------------------------------------------
# The demo users (binhyen/portal/demo.py) and two more made by the test: an officer of a
# sibling commune in the same province and a provincial officer of another province.
USERS = (
    "anonymous",
    "admin",
    "pv05",
    "congan.xa",
    "truong.ca",
    "totruong",
    "lanhdao",
    "kiemtra",
    "sibling",
    "outsider",
)

# --- what a route allows -------------------------------------------------------------
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in user; what it lists is scoped by the query
READ = "read"  # users whose jurisdiction covers the object
WRITE = "write"  # officers whose jurisdiction covers the object (and administrators)
STRUCTURE = "structure"  # WRITE, and group leaders of the object's residential area
OFFICER = "officer"  # any officer (and administrators): forms and imports of new records
CATALOGUE = "catalogue"  # the national catalogues: administrators and provincial officers
ADMIN = "admin"  # system administrators only
CUSTOM = "custom"  # the rule lists the users allowed

OFFICER_ROLES = {Role.PROVINCIAL_OFFICER, Role.COMMUNE_OFFICER, Role.UNIT_CHIEF}


@dataclass(frozen=True)
class Rule:
    access: str
    obj: str = ""  # the kind of object in the route's arguments (OBJECTS of the test)
    allowed: frozenset[str] = field(default_factory=frozenset)  # CUSTOM only
    note: str = ""
    covering: bool = True  # CUSTOM: the allowed users must also cover the object
    data: tuple[tuple[str, str], ...] = ()  # what an action route is POSTed
    reveals: bool = False  # the allowed users are shown a protected identity (and must be)


def rule(access: str, obj: str = "", allowed=(), note: str = "") -> Rule:
    return Rule(access, obj, frozenset(allowed), note)


def custom(obj: str, allowed, note: str, covering: bool = True) -> Rule:
    return Rule(CUSTOM, obj, frozenset(allowed), note, covering)


def revealing(rule_: Rule) -> Rule:
    """A reveal route, POSTed a reason: the permission is checked only once the form is
    valid, so an empty POST (400) would prove nothing."""
    reason = "Kiểm tra ma trận quyền"
    return replace(rule_, data=(("reason", reason), ("reveal-reason", reason)), reveals=True)


def expected_allowed(rule_: Rule, user: str, covers: bool, roles: set[str]) -> bool:
    """Whether `user` may use a route under `rule_` for an object it covers or not."""
    if rule_.access == CUSTOM:
        return user in rule_.allowed and (covers or not rule_.covering)
    if user == "anonymous":
        return rule_.access == PUBLIC
    admin = Role.SYSTEM_ADMIN in roles
    officer = admin or bool(roles & OFFICER_ROLES)
    return {
        PUBLIC: True,
        SIGNED_IN: True,
        READ: covers,
        WRITE: covers and officer,
        STRUCTURE: covers and (officer or Role.GROUP_LEADER in roles),
        OFFICER: officer,
        CATALOGUE: admin or Role.PROVINCIAL_OFFICER in roles,
        ADMIN: admin,
    }[rule_.access]


def routes() -> list[tuple[str, str]]:
    """(name, pattern) of every named route of the URL configuration."""

    def walk(resolver, prefix="", namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}".strip(":") if p.name else ""
                yield name, prefix + str(p.pattern)

    return list(walk(get_resolver()))


# A province's award round (kept at the province): everyone in the province sees it, its
# officers propose; nobody outside it does either.
IN_PROVINCE = {"admin", "pv05", "congan.xa", "truong.ca", "totruong", "lanhdao", "kiemtra"}
ROUND_SEEN = custom("occasion", IN_PROVINCE | {"sibling"}, "the province's round", False)
ROUND_PROPOSED = custom(
    "occasion", {"admin", "pv05", "congan.xa", "truong.ca", "sibling"}, "officers propose", False
)

# Every route of the URL configuration: a new one without an entry fails the suite.
RULES: dict[str, Rule] = {
    # portal
    "portal:home": rule(SIGNED_IN),
    # geo
    "geo:tree": rule(SIGNED_IN),
    "geo:children": rule(SIGNED_IN, "unit"),
    "geo:search": rule(SIGNED_IN),
    "geo:unit": rule(SIGNED_IN, "unit"),
    "geo:edit-attributes": rule(WRITE, "unit"),
    # schemes
    "schemes:list": rule(SIGNED_IN),
    "schemes:new": rule(OFFICER),
    "schemes:map": rule(SIGNED_IN),
    "schemes:map-data": rule(SIGNED_IN),
    "schemes:point": rule(READ, "scheme"),
    "schemes:edit": rule(WRITE, "scheme"),
    "schemes:event": rule(WRITE, "scheme"),
    "schemes:grade": rule(WRITE, "scheme"),
    "schemes:recognize": rule(WRITE, "scheme"),
    "schemes:types": rule(SIGNED_IN),
    "schemes:type-new": rule(CATALOGUE),
    "schemes:type": rule(SIGNED_IN, "scheme-type"),
    "schemes:type-edit": rule(CATALOGUE, "scheme-type"),
    "schemes:labels": rule(SIGNED_IN),
    "schemes:organizations": rule(SIGNED_IN),
    "schemes:organization-new": rule(OFFICER),
    "schemes:organization": rule(READ, "organization"),
    "schemes:organization-edit": rule(WRITE, "organization"),
    "schemes:organization-cease": rule(WRITE, "organization"),
    "schemes:groups": rule(SIGNED_IN),
    "schemes:group-new": rule(STRUCTURE),
    "schemes:group": rule(READ, "group"),
    "schemes:group-join": rule(STRUCTURE, "group"),
    "schemes:group-leave": rule(STRUCTURE, "group"),
    "schemes:group-member-add": rule(STRUCTURE, "group"),
    "schemes:group-member-end": rule(STRUCTURE, "group"),
    "schemes:group-dissolve": rule(STRUCTURE, "group"),
    "schemes:households": rule(SIGNED_IN),
    "schemes:bodies": rule(SIGNED_IN),
    "schemes:body-dissolve": rule(WRITE, "committee"),
    "schemes:teams": rule(SIGNED_IN),
    "schemes:team-new": rule(OFFICER),
    "schemes:team": rule(READ, "team"),
    "schemes:team-member-add": rule(WRITE, "team"),
    "schemes:team-member-end": rule(WRITE, "team"),
    "schemes:team-dissolve": rule(WRITE, "team"),
    "schemes:area-options": rule(SIGNED_IN),
    "schemes:import": rule(OFFICER),
    "schemes:import-confirm": rule(OFFICER),
    "schemes:import-job": custom(
        "", (), "an unknown job: not found for anyone, refused to non-importers"
    ),
    "schemes:import-template": rule(OFFICER),
    "schemes:figures": rule(SIGNED_IN),
    # tips
    "tips:list": rule(SIGNED_IN),
    "tips:queue": rule(SIGNED_IN),
    "tips:new": rule(OFFICER),
    "tips:detail": rule(READ, "tip"),
    "tips:status": rule(WRITE, "tip"),
    "tips:refer": rule(WRITE, "tip"),
    "tips:acknowledge": custom(
        "tip", (), "acknowledges a referral: the tip tried was not referred"
    ),
    "tips:duplicate": rule(WRITE, "tip"),
    "tips:assign": rule(WRITE, "tip"),
    "tips:reveal": revealing(
        custom("tip", {"truong.ca"}, "the chief, or an officer assigned to the tip (not congan.xa)")
    ),
    "tips:reply": rule(WRITE, "tip"),
    "tips:attach": rule(WRITE, "tip"),
    "tips:attachment": rule(READ, "attachment"),
    "tips:cases": rule(SIGNED_IN),
    "tips:case-new": rule(OFFICER),
    "tips:case": rule(READ, "case"),
    "tips:case-edit": rule(WRITE, "case"),
    "tips:case-suspect": rule(WRITE, "case"),
    "tips:case-arrest": rule(WRITE, "case"),
    "tips:case-item": rule(WRITE, "case"),
    "tips:case-link": rule(WRITE, "case"),
    "tips:public-new": rule(PUBLIC),
    "tips:public-communes": rule(PUBLIC),
    "tips:public-areas": rule(PUBLIC),
    "tips:public-check": rule(PUBLIC),
    "tips:public-message": rule(PUBLIC),
    "tips:public-leave": rule(PUBLIC),
    "tips:import": rule(OFFICER),
    "tips:import-confirm": rule(OFFICER),
    "tips:import-job": custom(
        "", (), "an unknown job: not found for anyone, refused to non-importers"
    ),
    "tips:import-template": rule(OFFICER),
    # outcomes
    "outcomes:index": rule(SIGNED_IN),
    "outcomes:figures": rule(SIGNED_IN),
    "outcomes:import": rule(OFFICER),
    "outcomes:import-confirm": rule(OFFICER),
    "outcomes:import-job": custom(
        "", (), "an unknown job: not found for anyone, refused to non-importers"
    ),
    "outcomes:import-template": rule(OFFICER),
    "outcomes:periods": rule(SIGNED_IN),
    "outcomes:period-new": rule(OFFICER),
    "outcomes:period-edit": rule(WRITE, "period"),
    "outcomes:period-delete": rule(WRITE, "period"),
    "outcomes:person": rule(READ, "person"),
    "outcomes:person-reveal": revealing(rule(WRITE, "person")),
    "outcomes:person-identity": rule(WRITE, "person"),
    "outcomes:person-intake": rule(WRITE, "person"),
    "outcomes:list": rule(SIGNED_IN, "ledger:weapons"),
    "outcomes:new": rule(OFFICER, "ledger:weapons"),
    "outcomes:edit": rule(WRITE, "ledger:weapons"),
    "outcomes:delete": rule(WRITE, "ledger:weapons"),
    # certification
    "certification:index": rule(SIGNED_IN),
    "certification:list": rule(SIGNED_IN),
    "certification:register": rule(OFFICER),
    "certification:detail": rule(READ, "certification"),
    "certification:self-assess": rule(WRITE, "certification"),
    "certification:step": rule(WRITE, "certification"),
    "certification:decide": rule(WRITE, "certification"),
    "certification:step-file": rule(READ, "step-file"),
    "certification:result-file": rule(READ, "result-file"),
    "certification:criteria": rule(SIGNED_IN),
    "certification:criteria-new": rule(CATALOGUE),
    "certification:criteria-set": rule(SIGNED_IN, "criteria-set"),
    "certification:criteria-edit": rule(ADMIN, "criteria-set"),
    "certification:criteria-copy": rule(CATALOGUE, "criteria-set"),
    "certification:criteria-delete": rule(ADMIN, "criteria-set"),
    "certification:criterion-add": rule(ADMIN, "criteria-set"),
    "certification:criterion-edit": rule(ADMIN, "criteria-set"),
    "certification:criterion-remove": rule(ADMIN, "criteria-set"),
    "certification:certificate": rule(READ, "certification"),
    "certification:verify": rule(PUBLIC),
    "certification:lists-xlsx": rule(SIGNED_IN),
    "certification:import": rule(OFFICER),
    "certification:import-confirm": rule(OFFICER),
    "certification:import-job": custom(
        "", (), "an unknown job: not found for anyone, refused to non-importers"
    ),
    "certification:import-template": rule(OFFICER),
    # awards
    "awards:index": rule(SIGNED_IN),
    "awards:catalogue": rule(SIGNED_IN),
    "awards:form-new": rule(CATALOGUE),
    "awards:form-edit": rule(CATALOGUE, "award-form"),
    "awards:authority-new": rule(CATALOGUE),
    "awards:authority-edit": rule(CATALOGUE, "authority"),
    "awards:occasion-new": rule(OFFICER),
    "awards:occasion": ROUND_SEEN,
    "awards:occasion-edit": rule(WRITE, "occasion"),
    "awards:propose": ROUND_PROPOSED,
    "awards:conference": ROUND_SEEN,
    "awards:nomination": rule(READ, "nomination"),
    "awards:nomination-review": rule(WRITE, "nomination"),
    "awards:nomination-decide": rule(WRITE, "nomination"),
    "awards:people": rule(SIGNED_IN),
    "awards:person-new": rule(OFFICER),
    "awards:person": rule(READ, "award-person"),
    "awards:person-edit": rule(WRITE, "award-person"),
    # reported_figures
    "reported_figures:list": rule(SIGNED_IN),
    "reported_figures:new": rule(OFFICER),
    "reported_figures:edit": rule(WRITE, "figure"),
    "reported_figures:delete": rule(WRITE, "figure"),
    "reported_figures:import": rule(OFFICER),
    "reported_figures:import-confirm": rule(OFFICER),
    "reported_figures:import-job": custom(
        "", (), "an unknown job: not found for anyone, refused to non-importers"
    ),
    "reported_figures:import-template": rule(OFFICER),
    # reports
    "reports:review": rule(SIGNED_IN),
    "reports:download": rule(SIGNED_IN),
    "reports:issue": rule(SIGNED_IN),
    "reports:issued-list": rule(SIGNED_IN),
    "reports:issued-detail": rule(READ, "issued"),
    "reports:issued-download": rule(READ, "issued"),
    "reports:quality": rule(SIGNED_IN),
    # core
    "core:audit-log": custom("", {"admin", "kiemtra"}, "administrators and auditors"),
    # other
    "healthz": rule(PUBLIC),
    "login": rule(PUBLIC),
    "logout": rule(PUBLIC),
    "set_language": rule(PUBLIC),
    # api
    "api-unit-list": rule(PUBLIC),
    "api-unit-detail": rule(PUBLIC, "unit"),
    "api-boundaries": rule(PUBLIC),
    "api-scheme-type-list": rule(SIGNED_IN),
    "api-scheme-type-detail": rule(SIGNED_IN, "scheme-type"),
    "api-label-list": rule(SIGNED_IN),
    "api-organization-list": rule(SIGNED_IN),
    "api-organization-detail": rule(READ, "organization"),
    "api-scheme-list": rule(SIGNED_IN),
    "api-scheme-detail": rule(READ, "scheme"),
    "api-scheme-events": rule(WRITE, "scheme"),
    "api-scheme-gradings": rule(WRITE, "scheme"),
    "api-scheme-recognitions": rule(WRITE, "scheme"),
    "api-group-list": rule(SIGNED_IN),
    "api-group-detail": rule(READ, "group"),
    "api-group-households": rule(STRUCTURE, "group"),
    "api-group-members": rule(STRUCTURE, "group"),
    "api-household-list": rule(SIGNED_IN),
    "api-security-team-list": rule(SIGNED_IN),
    "api-security-team-detail": rule(READ, "team"),
    "api-security-team-members": rule(WRITE, "team"),
    "api-steering-committee-list": rule(SIGNED_IN),
    "api-steering-committee-detail": rule(READ, "committee"),
    "api-board-list": rule(SIGNED_IN),
    "api-board-detail": rule(READ, "board"),
    "api-scheme-counts": rule(SIGNED_IN),
    "api-structure-counts": rule(SIGNED_IN),
    "api-tip-list": rule(SIGNED_IN),
    "api-tip-detail": rule(READ, "tip"),
    "api-tip-acknowledge": custom(
        "tip", (), "acknowledges a referral: the tip tried was not referred"
    ),
    "api-tip-duplicate": rule(WRITE, "tip"),
    "api-tip-officers": rule(WRITE, "tip"),
    "api-tip-refer": rule(WRITE, "tip"),
    "api-tip-replies": rule(WRITE, "tip"),
    "api-tip-reveal": revealing(
        custom("tip", {"truong.ca"}, "the chief, or an officer assigned to the tip (not congan.xa)")
    ),
    "api-tip-status": rule(WRITE, "tip"),
    "api-case-list": rule(SIGNED_IN),
    "api-case-detail": rule(READ, "case"),
    "api-case-seized-items": rule(WRITE, "case"),
    "api-case-suspects": rule(WRITE, "case"),
    "api-tip-figures": rule(SIGNED_IN),
    "api-open311-services": rule(PUBLIC),
    "api-open311-requests": rule(PUBLIC),
    "api-open311-request-status": rule(PUBLIC),
    "api-open311-request-messages": rule(PUBLIC),
    "api-outcome-managed-persons-list": rule(SIGNED_IN),
    "api-outcome-managed-persons-detail": rule(READ, "person"),
    "api-outcome-weapons-list": rule(SIGNED_IN),
    "api-outcome-weapons-detail": rule(READ, "ledger:weapons"),
    "api-outcome-returned-emigrants-list": rule(SIGNED_IN),
    "api-outcome-returned-emigrants-detail": rule(READ, "ledger:returned-emigrants"),
    "api-outcome-registration-violations-list": rule(SIGNED_IN),
    "api-outcome-registration-violations-detail": rule(READ, "ledger:registration-violations"),
    "api-outcome-illegal-entries-list": rule(SIGNED_IN),
    "api-outcome-illegal-entries-detail": rule(READ, "ledger:illegal-entries"),
    "api-outcome-mediations-list": rule(SIGNED_IN),
    "api-outcome-mediations-detail": rule(READ, "ledger:mediations"),
    "api-outcome-outreach-sessions-list": rule(SIGNED_IN),
    "api-outcome-outreach-sessions-detail": rule(READ, "ledger:outreach-sessions"),
    "api-outcome-pledges-list": rule(SIGNED_IN),
    "api-outcome-pledges-detail": rule(READ, "ledger:pledges"),
    "api-outcome-patrols-list": rule(SIGNED_IN),
    "api-outcome-patrols-detail": rule(READ, "ledger:patrols"),
    "api-outcome-totals": rule(SIGNED_IN),
    "api-reported-figure-list": rule(SIGNED_IN),
    "api-reported-figure-detail": rule(READ, "figure"),
    "api-indicator-list": rule(SIGNED_IN),
    "api-indicator-detail": rule(SIGNED_IN),
    "api-review": rule(SIGNED_IN),
    "api-certification-list": rule(SIGNED_IN),
    "api-certification-detail": rule(READ, "certification"),
    "api-certification-steps": rule(WRITE, "certification"),
    "api-award-form-list": rule(SIGNED_IN),
    "api-award-form-detail": rule(SIGNED_IN, "award-form"),
    "api-award-authority-list": rule(SIGNED_IN),
    "api-award-authority-detail": rule(SIGNED_IN, "authority"),
    "api-award-occasion-list": rule(SIGNED_IN),
    "api-award-occasion-detail": ROUND_SEEN,
    "api-award-occasion-conference": ROUND_SEEN,
    "api-award-nomination-list": rule(SIGNED_IN),
    "api-award-nomination-detail": rule(READ, "nomination"),
    "api-award-nomination-decide": rule(WRITE, "nomination"),
    "api-award-nomination-review": rule(WRITE, "nomination"),
    "api-schema": rule(PUBLIC),
    "api-docs": rule(PUBLIC),
}
