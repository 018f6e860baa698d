"""Every route × every role × an object inside the user's jurisdiction, in a commune
merged into it, and outside it (binhyen/accounts/tests/matrix.py says what is expected).

The demo province is loaded once per test worker inside a transaction rolled back at
the end, so every route is tried on realistic records."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from binhyen.accounts.choices import Role
from binhyen.accounts.jurisdiction import covered_unit_ids, jurisdiction_of
from binhyen.accounts.models import User
from binhyen.accounts.services import create_user, grant_role
from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.geo.models import AdminUnit

from .matrix import RULES, USERS, expected_allowed, routes

LOGIN = re.compile(r"/login/\?next=")
OBSERVE = os.environ.get("MATRIX_OBSERVE")
# a <script> element that runs code written into the page (the CSP would block it)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


# --- the objects a route is tried on -------------------------------------------------
def _objects():
    """kind → (queryset, the path from the object to its unit, how it fills the route)."""
    from binhyen.awards import models as awards
    from binhyen.certification import models as cert
    from binhyen.outcomes.models import managed
    from binhyen.outcomes.registers import LEDGERS
    from binhyen.reports.models import IssuedReport, ReportedFigure
    from binhyen.schemes.models import catalogue, hosts, points, structure
    from binhyen.tips.models import cases, tips

    found = {
        "unit": (AdminUnit.objects.filter(level="commune"), "pk"),
        "scheme": (points.Scheme.objects, "unit"),
        "organization": (hosts.Organization.objects, "commune"),
        "group": (
            structure.Group.objects.filter(memberships__isnull=False, members__isnull=False),
            "residential_area",
        ),
        "committee": (structure.SteeringCommittee.objects, "unit"),
        "board": (structure.SelfManagementBoard.objects, "unit"),
        "team": (structure.SecurityTeam.objects.filter(members__isnull=False), "commune"),
        "tip": (tips.Tip.objects, "handling_unit"),
        "attachment": (tips.TipAttachment.objects, "tip__handling_unit"),
        "case": (cases.Case.objects, "unit"),
        "period": (managed.SupervisionPeriod.objects, "unit"),
        "person": (managed.ManagedPerson.objects, "periods__unit"),
        "certification": (cert.Certification.objects.filter(steps__isnull=False), "unit"),
        "step-file": (cert.CertificationStep.objects.exclude(attachment=""), "certification__unit"),
        "result-file": (cert.CriterionResult.objects.exclude(attachment=""), "certification__unit"),
        "figure": (ReportedFigure.objects, "unit"),
        "issued": (IssuedReport.objects, "unit"),
        "occasion": (awards.Occasion.objects, "unit"),
        "nomination": (awards.Nomination.objects, "occasion__unit"),
        "award-person": (awards.Person.objects, "unit"),
        # catalogue records belong to no unit: "covered" by every signed-in user
        "scheme-type": (catalogue.SchemeType.objects, None),
        "criteria-set": (cert.CriteriaSet.objects.filter(criteria__isnull=False), None),
        "award-form": (awards.AwardForm.objects, None),
        "authority": (awards.Authority.objects, None),
    }
    for slug, register in LEDGERS.items():
        found[f"ledger:{slug}"] = (register.model.objects, "unit")
    return found


def _pick(kind: str, where: str, world):
    """An object of `kind` in congan.xa's commune ("inside") or in a commune merged into
    it ("merged"); records kept at the province (award rounds) are taken from pv05's
    province. None when the demo has none there."""
    queryset, path = _objects()[kind]
    if queryset is None:
        return None
    if path is None:
        return queryset.order_by("pk").first() if where == "inside" else None
    order = "pk"
    if kind == "tip":  # with an informant, whom congan.xa is not assigned to reveal
        queryset = queryset.filter(informant__isnull=False)
        queryset = queryset.exclude(officers=world.users["congan.xa"])
        order = "-pk"  # inside: the tip of World._informant
    current = "valid_to__isnull" if path == "pk" else f"{path}__valid_to__isnull"
    for ids in (world.inside_ids, world.province_ids):
        found = queryset.filter(**{f"{path}__in": ids, current: where == "inside"})
        obj = found.order_by(order).distinct().first()
        if obj is not None:
            return obj
    return None


def _unit_id(kind: str, obj) -> int | None:
    _, path = _objects()[kind]
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    value = type(obj).objects.filter(pk=obj.pk).values_list(path, flat=True).first()
    return value


def _kwargs(name: str, pattern: str, kind: str, obj) -> dict:
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
    names = [a or b for a, b in params]
    values = {}
    for param in names:
        if param in ("pk", "unit_id"):
            values[param] = obj.pk if obj is not None else 999999
        elif param == "code" and name == "api-indicator-detail":
            values[param] = "schemes.active"
        elif param == "code":
            values[param] = obj.code
        elif param == "membership_pk":
            values[param] = obj.memberships.order_by("pk").first().pk
        elif param == "member_pk":
            member = obj.members.order_by("pk").first()
            values[param] = member.pk if member else 999999
        elif param == "attachment_pk":
            values["pk"], values[param] = obj.tip_id, obj.pk
        elif param == "step" or param == "result":
            values["pk"], values[param] = obj.certification_id, obj.pk
        elif param == "criterion":
            values[param] = obj.criteria.order_by("pk").first().pk
        elif param == "kind":
            values[param] = "commune" if name == "certification:register" else "committee"
        elif param == "slug":
            values[param] = kind.split(":")[1] if kind.startswith("ledger:") else "weapons"
        elif param == "fmt":
            values[param] = "docx"
        elif param == "job":
            values[param] = "0" * 32
        else:
            raise AssertionError(f"{name}: no value for the route's argument {param!r}")
    return values


# --- the world: the demo province and its users --------------------------------------
class World:
    def __init__(self):
        from django.core.management import call_command

        call_command("demo", stdout=io.StringIO())
        with audit_context(source="test"):
            from binhyen.portal.demo import DEMO_PASSWORD

            commune = jurisdiction_of(User.objects.get(username="congan.xa")).units[0]
            sibling_commune = (
                AdminUnit.objects.filter(level="commune", valid_to__isnull=True)
                .exclude(pk=commune.pk)
                .filter(code__startswith="99")
                .order_by("code")
                .first()
            )
            sibling = create_user("sibling", DEMO_PASSWORD)
            grant_role(sibling, Role.COMMUNE_OFFICER, sibling_commune)
            other = AdminUnit.objects.create(
                level="province", code="97", name="Tỉnh Ngoài", valid_from=dt.date(2020, 1, 1)
            )
            outsider = create_user("outsider", DEMO_PASSWORD)
            grant_role(outsider, Role.PROVINCIAL_OFFICER, other)
            self._attachment(commune)
            self._informant(commune)
            self._files()
            call_command(
                "report",
                unit=commune.code,
                start="2025-07-01",
                end="2025-12-31",
                issue="CAX",
                output=os.devnull,
            )
        self.secrets = self._secrets()
        self.users = {u.username: u for u in User.objects.all()}
        self.inside_ids = self._covered("congan.xa")
        self.province_ids = self._covered("pv05")
        self.roles = {name: set(jurisdiction_of(u).roles) for name, u in self.users.items()}
        self.roles["anonymous"] = set()
        self.cookies = {}  # each request gets a fresh client: a route may sign out
        for user in USERS:
            client = Client()
            if user != "anonymous":
                client.force_login(self.users[user])
            self.cookies[user] = {k: m.value for k, m in client.cookies.items()}
        self._covers = {}

    def _covered(self, user: str) -> set[int]:
        units = AdminUnit.objects.filter(pk__in=covered_unit_ids(self.users[user]))
        return set(units.values_list("pk", flat=True))

    @staticmethod
    def _attachment(commune):
        """The demo has no attachments: one photo on a tip of the commune."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from binhyen.tips.models.tips import Tip
        from binhyen.tips.services.tips import attach

        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
        tip = Tip.objects.filter(handling_unit=commune).order_by("pk").first()
        attach(tip, [SimpleUploadedFile("a.jpg", buffer.getvalue(), "image/jpeg")])

    @staticmethod
    def _files():
        """A dossier file on a step and on a criterion's result (the demo has none)."""
        from django.core.files.base import ContentFile

        from binhyen.certification.models import CertificationStep, CriterionResult

        pdf = b"%PDF-1.4\n%%EOF\n"
        for model in (CertificationStep, CriterionResult):
            record = model.objects.order_by("pk").first()
            record.attachment.save("matrix.pdf", ContentFile(pdf))

    @staticmethod
    def _informant(commune):
        """A tip of the commune whose informant carries names found nowhere else."""
        from django.utils import timezone

        from binhyen.tips.services.tips import InformantData, record_tip

        record_tip(
            received_at=timezone.now() - dt.timedelta(days=1),
            channel="in_person",
            category="drugs",
            unit=commune,
            description="Tin báo có người báo tin (ma trận quyền)",
            informant=InformantData("Bí Mật Zxq Nhân Chứng", "0987654321", "001099012345", "Số 7"),
        )

    @staticmethod
    def _secrets() -> set[str]:
        """Informants' and managed persons' identities in clear, as a leak would show them:
        identity numbers and contacts (names are drawn from a pool other records share),
        and the full name of the informant made above."""
        from binhyen.core import crypto
        from binhyen.outcomes.models.managed import ManagedPerson
        from binhyen.tips.models.tips import Informant

        found = {"Bí Mật Zxq Nhân Chứng"}
        for informant in Informant.objects.all():
            found |= {crypto.decrypt(informant.contact), crypto.decrypt(informant.id_number)}
        for person in ManagedPerson.objects.exclude(id_number=""):
            found.add(crypto.decrypt(person.id_number))
        return {secret for secret in found if len(secret) >= 8}

    def covers(self, user: str, unit_id: int | None) -> bool:
        if user == "anonymous":
            return False
        if unit_id is None:
            return True
        if (user, unit_id) not in self._covers:
            self._covers[user, unit_id] = unit_id in self._covered(user)
        return self._covers[user, unit_id]

    def client(self, user: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="vi")
        for name, value in self.cookies[user].items():
            client.cookies[name] = value
        return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def outcome(response) -> str:
    """ "allowed" (the view did its work or validated the input), "refused", or "error"."""
    code = response.status_code
    if code >= 500:
        return "error"
    if code in (401, 403, 404):
        return "refused"
    if code in (301, 302, 303) and LOGIN.search(response.get("Location", "")):
        return "refused"
    return "allowed"


def text_of(response) -> str:
    """What a reader of the answer sees: the body, or the XML inside an XLSX or DOCX."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".xml")
            )
    return body.decode("utf-8", "replace")


def call(client: Client, url: str, data: dict):
    """GET; a route that only acts (405) is POSTed to, with nothing but its rule's data."""
    response = client.get(url)
    if response.status_code == 405:
        return client.post(url, data)
    return response


ROUTES = routes()


def test_every_route_has_an_entry():
    names = {name for name, _ in ROUTES}
    unnamed = [pattern for name, pattern in ROUTES if not name]
    assert unnamed == [], "every route needs a name to be in the matrix"
    assert sorted(names - set(RULES)) == [], "routes without an entry in matrix.RULES"
    assert sorted(set(RULES) - names) == [], "entries of matrix.RULES without a route"


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[n for n, _ in ROUTES])
def test_route(world, db, name, pattern):
    from django.core.cache import cache

    rule_ = RULES[name]
    places = ["inside", "merged"] if rule_.obj else ["inside"]
    failures, tried = [], 0
    kind_has_objects = bool(rule_.obj)
    picked = {
        where: _pick(rule_.obj, where, world) if kind_has_objects else None for where in places
    }
    assert not kind_has_objects or any(picked.values()), f"{name}: no {rule_.obj} to try"
    for where in places:
        obj = picked[where]
        if kind_has_objects and obj is None:
            continue
        url = reverse(name, kwargs=_kwargs(name, pattern, rule_.obj, obj))
        unit_id = _unit_id(rule_.obj, obj) if obj is not None else None
        for user in USERS:
            cache.clear()
            with transaction.atomic():
                audit_before = AuditEntry.objects.count()
                response = call(world.client(user), url, dict(rule_.data))
                got = outcome(response)
                text = text_of(response)
                leaked = [secret for secret in world.secrets if secret in text]
                inline = "html" in response.get("Content-Type", "") and INLINE_SCRIPT.search(text)
                wrote = AuditEntry.objects.count() != audit_before
                transaction.set_rollback(True)
            tried += 1
            if OBSERVE:
                with open(OBSERVE, "a") as out:
                    out.write(
                        json.dumps(
                            [
                                name,
                                where,
                                user,
                                response.status_code,
                                got,
                                world.covers(user, unit_id) if obj is not None else None,
                                rule_.obj,
                            ]
                        )
                        + "\n"
                    )
                continue
            covers = world.covers(user, unit_id) if obj is not None else user != "anonymous"
            want = expected_allowed(rule_, user, covers, world.roles[user])
            if got == "error" or (got == "allowed") != want:
                failures.append(
                    f"{where} {user}: {response.status_code} (expected "
                    f"{'allowed' if want else 'refused'}) {url}"
                )
            if leaked and not (rule_.reveals and want):
                failures.append(f"{where} {user}: shows a protected identity {leaked} {url}")
            if rule_.reveals and want and response.status_code != 200:
                failures.append(f"{where} {user}: {response.status_code}, not revealed {url}")
            if inline:
                failures.append(f"{where} {user}: an inline script {inline.group(0)} {url}")
            if got == "refused" and wrote:
                failures.append(f"{where} {user}: refused but wrote to the audit log {url}")
    assert failures == [], f"{name} ({rule_.access}):\n" + "\n".join(failures)
