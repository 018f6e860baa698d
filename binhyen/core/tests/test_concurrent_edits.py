"""Two officers editing the same record (core.stale): both load the edit form (or read
the version in the API), the first saves, the second saves → 409; the first's values are
what is saved, the second's typed values are in the answer page, and saving that page
again goes through (a deliberate overwrite, with their changes in view).

Every edit path is one row of PAGE_EDITS or API_EDITS; `test_every_edit_path_is_in_the_table`
fails for an edit URL (name ending in `edit`) or an API route with PATCH/PUT that is not,
and for a model edited there without a `version`."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from html.parser import HTMLParser

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from binhyen.awards import services as awards
from binhyen.awards.models import Authority, AwardForm, Occasion
from binhyen.awards.models import Person as AwardPerson
from binhyen.certification import services as certification
from binhyen.certification.models import CriteriaSet, Criterion
from binhyen.core import crypto, stale
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.geo.services import update_unit_attributes
from binhyen.outcomes import services as outcomes
from binhyen.outcomes.models import ManagedPerson, SupervisionPeriod
from binhyen.outcomes.registers import LEDGERS
from binhyen.outcomes.tests.conftest import RECORD_DEFAULTS
from binhyen.reports import services as reports
from binhyen.reports.models import ReportedFigure
from binhyen.schemes import services as schemes
from binhyen.schemes.models import Group, Label, Organization, Scheme, SchemeType
from binhyen.tips import services as tips
from binhyen.tips.models import Case

d = dt.date
ON = d(2025, 9, 1)  # under the demo's 2025 structure, in the past


# ---- the world both officers edit ------------------------------------------------------------


@dataclass
class World:
    t: object  # the permission triangle (binhyen/conftest.py)

    @property
    def area(self) -> AdminUnit:
        return geo_queries.children_on(self.t.unit, ON)[0].unit

    def point(self) -> Scheme:
        return schemes.establish_scheme(
            scheme_type=SchemeType.objects.get(code="keng-an-ninh"),
            name="Kẻng an ninh thôn 1",
            host_kind="residential_area",
            unit=self.area,
            established_on=d(2025, 8, 1),
        )

    def case(self) -> Case:
        return tips.save_case(
            None, number="7/2025", category="drugs", unit=self.t.unit, opened_on=ON
        )

    def organization(self) -> Organization:
        return schemes.save_organization(
            None, kind="agency", name="UBND xã", commune=self.t.unit, established_on=d(2020, 1, 1)
        )

    def group(self) -> Group:
        return schemes.create_group(
            residential_area=self.area, name="Tổ tự quản 1", established_on=d(2025, 8, 1)
        )

    def record(self, slug: str):
        return outcomes.save_record(LEDGERS[slug], date=ON, unit=self.area, **RECORD_DEFAULTS[slug])

    def period(self) -> SupervisionPeriod:
        identity = outcomes.Identity("Phạm Thị Quỳnh Hoa", 1990)
        return outcomes.take_in(
            identity=identity, intake_on=ON, unit=self.area, kind="post_rehabilitation"
        )

    def figure(self) -> ReportedFigure:
        return reports.record_figure(
            self.t.officer,
            indicator="structure.groups",
            unit=self.t.unit,
            period_start=d(2025, 7, 1),
            period_end=d(2025, 8, 31),
            value=Decimal(12),
            qualifier="exact",
            breakdown="",
            source_document="Báo cáo số 1/BC",
        )

    def occasion(self) -> Occasion:
        return awards.create_occasion(
            self.t.officer,
            name="Sơ kết 2025",
            kind="review_conference",
            held_on=ON,
            unit=self.t.unit,
            period_start=d(2025, 1, 1),
            period_end=d(2025, 8, 31),
        )

    def award_person(self) -> AwardPerson:
        return awards.create_person(
            self.t.officer, full_name="Nguyễn Văn An", birth_year=1975, unit=self.t.unit
        )

    def criteria_set(self) -> CriteriaSet:
        national = CriteriaSet.objects.filter(province__isnull=True).order_by("pk").first()
        return certification.copy_criteria_set(
            self.t.parent_officer, national, province=self.t.parent, effective_from=d(2027, 1, 1)
        )

    def unit(self) -> AdminUnit:
        names = ("is_urban", "ethnic_minority_area", "religious_area", "border_area", "island")
        return update_unit_attributes(self.t.unit, **dict.fromkeys(names, False))


@pytest.fixture
def world(triangle) -> World:
    return World(triangle)


# ---- the table of edit paths -----------------------------------------------------------------

LOCAL = "local"  # the commune officer, then the provincial officer above
CATALOGUE = "catalogue"  # a provincial officer, then an administrator


@dataclass(frozen=True)
class PageEdit:
    """An edit form: `make(world)` → (record, URL of the page with the form, URL it posts
    to). The first officer types `first`, the second `second` (field → text, or a bool
    for a checkbox); `read(record, name)` is a field's saved value in the same terms."""

    id: str
    url_name: str
    model: type[models.Model]
    make: Callable
    first: dict
    second: dict
    users: str = LOCAL
    read: Callable | None = None


def _urls(name: str, *args, query: str = ""):
    url = reverse(name, args=args)
    return url + query, url


def _labels(world):
    label = Label.objects.order_by("pk").first()
    get, post = _urls("schemes:labels", query=f"?edit={label.pk}")
    return label, get, post


def _record(slug: str):
    def make(world):
        record = world.record(slug)
        return (record, *_urls("outcomes:edit", slug, record.pk))

    return make


def _identity(world):
    person = world.period().person
    return (
        person,
        reverse("outcomes:person", args=[person.code]),
        reverse("outcomes:person-identity", args=[person.code]),
    )


def _criterion(world):
    criteria_set = world.criteria_set()
    item = criteria_set.criteria.order_by("order", "code").first()
    return item, *_urls("certification:criterion-edit", criteria_set.pk, item.pk)


def _unit(world):
    unit = world.unit()
    page = reverse("geo:unit", args=[unit.code]) + f"?level={unit.level}"
    return unit, page, reverse("geo:edit-attributes", args=[unit.pk])


def _group(world):
    group = world.group()
    return (
        group,
        reverse("schemes:group", args=[group.pk]),
        reverse("schemes:group-dissolve", args=[group.pk]),
    )


def _decrypted(record, name):
    return crypto.decrypt(getattr(record, name))


PAGE_EDITS = [
    PageEdit(
        "point",
        "schemes:edit",
        Scheme,
        lambda w: (p := w.point(), *_urls("schemes:edit", p.pk)),
        {"leader_name": "Lê Văn Một"},
        {"leader_name": "Trần Thị Hai"},
    ),
    PageEdit(
        "case",
        "tips:case-edit",
        Case,
        lambda w: (c := w.case(), *_urls("tips:case-edit", c.pk)),
        {"summary": "Tóm tắt của người thứ nhất"},
        {"summary": "Tóm tắt của người thứ hai"},
    ),
    PageEdit(
        "organization",
        "schemes:organization-edit",
        Organization,
        lambda w: (o := w.organization(), *_urls("schemes:organization-edit", o.pk)),
        {"name": "UBND xã (sửa 1)"},
        {"name": "UBND xã (sửa 2)"},
    ),
    PageEdit(
        "scheme-type",
        "schemes:type-edit",
        SchemeType,
        lambda w: (
            t := SchemeType.objects.get(code="keng-an-ninh"),
            *_urls("schemes:type-edit", t.code),
        ),
        {"name": "Kẻng an ninh (sửa 1)"},
        {"name": "Kẻng an ninh (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "label",
        "schemes:labels",
        Label,
        _labels,
        {"name": "Nhãn (sửa 1)"},
        {"name": "Nhãn (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "group-dissolve",
        "schemes:group-dissolve",
        Group,
        _group,
        {"dissolved_on": "01/10/2025"},
        {"dissolved_on": "05/10/2025"},
    ),
    *[
        PageEdit(
            f"record-{slug}",
            "outcomes:edit",
            register.model,
            _record(slug),
            {"notes": "Ghi chú 1"},
            {"notes": "Ghi chú 2"},
        )
        for slug, register in LEDGERS.items()
    ],
    PageEdit(
        "period",
        "outcomes:period-edit",
        SupervisionPeriod,
        lambda w: (p := w.period(), *_urls("outcomes:period-edit", p.pk)),
        {"intake_on": "02/09/2025"},
        {"intake_on": "03/09/2025"},
    ),
    PageEdit(
        "managed-identity",
        "outcomes:person-identity",
        ManagedPerson,
        _identity,
        {"full_name": "Phạm Thị Hoa"},
        {"full_name": "Phạm Quỳnh Hoa"},
        read=_decrypted,
    ),
    PageEdit(
        "figure",
        "reported_figures:edit",
        ReportedFigure,
        lambda w: (f := w.figure(), *_urls("reported_figures:edit", f.pk)),
        {"source_document": "Báo cáo số 1/BC (sửa 1)"},
        {"source_document": "Báo cáo số 1/BC (sửa 2)"},
    ),
    PageEdit(
        "occasion",
        "awards:occasion-edit",
        Occasion,
        lambda w: (o := w.occasion(), *_urls("awards:occasion-edit", o.pk)),
        {"name": "Sơ kết (sửa 1)"},
        {"name": "Sơ kết (sửa 2)"},
    ),
    PageEdit(
        "award-person",
        "awards:person-edit",
        AwardPerson,
        lambda w: (p := w.award_person(), *_urls("awards:person-edit", p.pk)),
        {"position": "Trưởng thôn"},
        {"position": "Tổ trưởng"},
    ),
    PageEdit(
        "award-form",
        "awards:form-edit",
        AwardForm,
        lambda w: (f := AwardForm.objects.order_by("pk").first(), *_urls("awards:form-edit", f.pk)),
        {"name": "Bằng khen (sửa 1)"},
        {"name": "Bằng khen (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "authority",
        "awards:authority-edit",
        Authority,
        lambda w: (
            a := Authority.objects.order_by("pk").first(),
            *_urls("awards:authority-edit", a.pk),
        ),
        {"name": "Chủ tịch (sửa 1)"},
        {"name": "Chủ tịch (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "criteria-set",
        "certification:criteria-edit",
        CriteriaSet,
        lambda w: (s := w.criteria_set(), *_urls("certification:criteria-edit", s.pk)),
        {"name": "Tiêu chí của tỉnh (sửa 1)"},
        {"name": "Tiêu chí của tỉnh (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "criterion",
        "certification:criterion-edit",
        Criterion,
        _criterion,
        {"text": "Tiêu chí (sửa 1)"},
        {"text": "Tiêu chí (sửa 2)"},
        users=CATALOGUE,
    ),
    PageEdit(
        "unit-attributes",
        "geo:edit-attributes",
        AdminUnit,
        _unit,
        {"island": True},
        {"border_area": True},
    ),
]


@dataclass(frozen=True)
class ApiEdit:
    """An API edit: `make(world)` → (record, detail URL); the body sent is `body(record)`
    (the fields a PUT needs; empty for a PATCH) with the typed field and the version."""

    id: str
    route: str
    model: type[models.Model]
    make: Callable
    first: dict
    second: dict
    method: str = "patch"
    users: str = LOCAL
    body: Callable = field(default=lambda record: {})


def _figure_body(figure) -> dict:
    return {
        "indicator": figure.indicator,
        "unit": figure.unit.code,
        "period_start": figure.period_start.isoformat(),
        "period_end": figure.period_end.isoformat(),
        "value": str(figure.value),
        "qualifier": figure.qualifier,
        "breakdown": figure.breakdown,
        "source_document": figure.source_document,
        "note": figure.note,
    }


def _detail(route: str, *args) -> str:
    return reverse(route, args=args)


API_EDITS = [
    ApiEdit(
        "point",
        "api-scheme-detail",
        Scheme,
        lambda w: (p := w.point(), _detail("api-scheme-detail", p.pk)),
        {"leader_name": "Lê Văn Một"},
        {"leader_name": "Trần Thị Hai"},
    ),
    ApiEdit(
        "case",
        "api-case-detail",
        Case,
        lambda w: (c := w.case(), _detail("api-case-detail", c.pk)),
        {"summary": "Một"},
        {"summary": "Hai"},
    ),
    ApiEdit(
        "organization",
        "api-organization-detail",
        Organization,
        lambda w: (o := w.organization(), _detail("api-organization-detail", o.pk)),
        {"name": "UBND xã (sửa 1)"},
        {"name": "UBND xã (sửa 2)"},
    ),
    ApiEdit(
        "scheme-type",
        "api-scheme-type-detail",
        SchemeType,
        lambda w: (
            t := SchemeType.objects.get(code="keng-an-ninh"),
            _detail("api-scheme-type-detail", t.code),
        ),
        {"name": "Kẻng (sửa 1)"},
        {"name": "Kẻng (sửa 2)"},
        users=CATALOGUE,
    ),
    ApiEdit(
        "group",
        "api-group-detail",
        Group,
        lambda w: (g := w.group(), _detail("api-group-detail", g.pk)),
        {"dissolved_on": "2025-10-01"},
        {"dissolved_on": "2025-10-05"},
    ),
    ApiEdit(
        "figure-patch",
        "api-reported-figure-detail",
        ReportedFigure,
        lambda w: (f := w.figure(), _detail("api-reported-figure-detail", f.pk)),
        {"source_document": "BC 1 (sửa 1)"},
        {"source_document": "BC 1 (sửa 2)"},
    ),
    ApiEdit(
        "figure-put",
        "api-reported-figure-detail",
        ReportedFigure,
        lambda w: (f := w.figure(), _detail("api-reported-figure-detail", f.pk)),
        {"source_document": "BC 1 (sửa 1)"},
        {"source_document": "BC 1 (sửa 2)"},
        method="put",
        body=_figure_body,
    ),
    ApiEdit(
        "occasion",
        "api-award-occasion-detail",
        Occasion,
        lambda w: (o := w.occasion(), _detail("api-award-occasion-detail", o.pk)),
        {"name": "Sơ kết (sửa 1)"},
        {"name": "Sơ kết (sửa 2)"},
    ),
]


def _officers(world: World, users: str):
    t = world.t
    return (t.officer, t.parent_officer) if users == LOCAL else (t.parent_officer, t.admin)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stored(case, record, name):
    """A saved field in the terms of the table: a date as typed, a bool, else text."""
    value = case.read(record, name) if case.read else getattr(record, name)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


# ---- reading a form as a browser submits it ----------------------------------------------


class _FormReader(HTMLParser):
    """The fields of every <form> of a page: what a browser would submit, by form action."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append((a.get("action") or "", self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name") and "disabled" not in a:
            self._select = (a["name"], "multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and a.get("name") and "disabled" not in a:
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            o = self._option
            self._options.append(
                (o["value"] if o["value"] is not None else o["text"], o["selected"])
            )
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self._fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "form":
            self._fields = None


def read_form(html: str, action: str) -> dict[str, list[str]]:
    """The fields of the form that posts to `action` (or to its own page) and carries a
    version: the edit form."""
    reader = _FormReader()
    reader.feed(html)
    for form_action, fields in reader.forms:
        names = {name for name, _value in fields}
        if form_action in ("", action) and "version" in names:
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no edit form posting to {action} with a version")


def typed(data: dict[str, list[str]], values: dict) -> dict[str, list[str]]:
    data = dict(data)
    for name, value in values.items():
        if value is True:
            data[name] = ["on"]
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = [value]
    return data


def as_typed(data: dict[str, list[str]], name: str):
    """A field of a read form in the terms of the table (a bool for a checkbox)."""
    values = data.get(name)
    if values is None:
        return False
    return values[0] if values != ["on"] else True


# ---- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", PAGE_EDITS, ids=[c.id for c in PAGE_EDITS])
def test_a_stale_page_edit_is_refused_with_409_and_keeps_what_was_typed(world, case):
    record, page, action = case.make(world)
    first_user, second_user = _officers(world, case.users)
    first, second = _client(first_user), _client(second_user)
    first_page, second_page = first.get(page), second.get(page)
    assert (first_page.status_code, second_page.status_code) == (200, 200)
    mine = read_form(first_page.content.decode(), action)
    theirs = read_form(second_page.content.decode(), action)
    read_version = record.__class__.objects.get(pk=record.pk).version
    assert mine["version"] == theirs["version"] == [str(read_version)]

    saved = first.post(action, typed(mine, case.first))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    refused = second.post(action, typed(theirs, case.second))

    assert refused.status_code == 409, refused.content.decode()[:2000]
    record = record.__class__.objects.get(pk=record.pk)
    assert record.version == read_version + 1
    for name, value in case.first.items():  # the first's values, not overwritten
        assert _stored(case, record, name) == value, name
    answer = refused.content.decode()
    assert 'data-stale="1"' in answer
    if case.read is None:  # their saved values, where they differ (not an encrypted one)
        table = answer[answer.index('data-stale="1"') :]
        for value in case.first.values():
            if isinstance(value, str):
                assert escape(value) in table[: table.index("</div>")], value
    shown = read_form(answer, action)
    for name, value in case.second.items():  # what the second typed is kept
        assert as_typed(shown, name) == value, name
    assert shown["version"] == [str(record.version)]

    # saving the answer again is a deliberate choice, made with their changes in view
    again = second.post(action, shown)
    assert again.status_code == 302, again.content.decode()[:2000]
    record = record.__class__.objects.get(pk=record.pk)
    for name, value in case.second.items():
        assert _stored(case, record, name) == value, name


# ---- the API ---------------------------------------------------------------------------------

JSON = "application/json"


@pytest.mark.parametrize("case", API_EDITS, ids=[c.id for c in API_EDITS])
def test_a_stale_api_edit_is_409_and_overwrites_nothing(world, case):
    record, url = case.make(world)
    first_user, second_user = _officers(world, case.users)
    first, second = _client(first_user), _client(second_user)
    read = [c.get(url) for c in (first, second)]
    assert [r.status_code for r in read] == [200, 200]
    versions = {r.json()["version"] for r in read}
    assert versions == {record.__class__.objects.get(pk=record.pk).version}
    version = versions.pop()
    send = getattr(first, case.method)

    body = {**case.body(record), **case.first, "version": version}
    saved = send(url, body, content_type=JSON)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == version + 1
    body = {**case.body(record), **case.second, "version": version}
    refused = getattr(second, case.method)(url, body, content_type=JSON)

    assert refused.status_code == 409, refused.content
    assert refused.json().get("detail")
    record = record.__class__.objects.get(pk=record.pk)
    assert record.version == version + 1
    for name, value in case.first.items():
        stored = getattr(record, name)
        assert (stored.isoformat() if isinstance(stored, dt.date) else stored) == value
    # with the version now read, it goes through
    body["version"] = record.version
    assert getattr(second, case.method)(url, body, content_type=JSON).status_code == 200


def test_an_api_edit_without_a_version_is_not_checked(world):
    """`version` is optional on the new edit paths (the points' and cases' require it)."""
    organization = world.organization()
    client = _client(world.t.officer)
    url = reverse("api-organization-detail", args=[organization.pk])
    response = client.patch(url, {"name": "Không kèm phiên bản"}, content_type=JSON)
    assert response.status_code == 200
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("Không kèm phiên bản", 2)


def test_a_write_that_is_no_edit_also_makes_an_open_edit_form_stale(world):
    """Ceasing an organisation (its own action) counts as a write of the row."""
    organization = world.organization()
    client = _client(world.t.officer)
    url = reverse("schemes:organization-edit", args=[organization.pk])
    data = read_form(client.get(url).content.decode(), url)
    schemes.cease_organization(organization, d(2025, 9, 30))
    assert client.post(url, typed(data, {"name": "Sửa sau khi giải thể"})).status_code == 409
    organization.refresh_from_db()
    assert (organization.name, organization.ceased_on) == ("UBND xã", d(2025, 9, 30))


# ---- two writers at the same instant (PostgreSQL: a connection each) ------------------------


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_one_wins_one_is_refused(monkeypatch):
    """The check runs under the row lock: the second writer waits for the first's commit,
    then sees the new version. Without the lock both would pass the check."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is one in-memory connection")
    label = Label.objects.create(code="dong-thoi", name="Đồng thời")
    barrier = threading.Barrier(2, timeout=30)
    bump = stale.bump

    def slow_bump(row):  # hold the lock a moment: the other writer arrives meanwhile
        time.sleep(0.3)
        return bump(row)

    monkeypatch.setattr(stale, "bump", slow_bump)

    def save(name):
        try:
            barrier.wait()
            schemes.save_label(label, code=label.code, name=name, version=1)
            return "saved"
        except stale.StaleEdit:
            return "stale"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        outcomes_ = list(pool.map(save, ["Người một", "Người hai"], timeout=60))
    assert sorted(outcomes_) == ["saved", "stale"]
    saved = Label.objects.get(pk=label.pk)
    winner = ["Người một", "Người hai"][outcomes_.index("saved")]
    assert (saved.name, saved.version) == (winner, 2)


# ---- every edit path is in the table, and its model has a version -------------------------

EDIT_NAME = re.compile(r"(^|[-_])edit([-_]|$)")


def _patterns(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(x for x in (namespace, p.namespace or "") if x)
            yield from _patterns(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p.callback


def _model_of(view_class) -> type[models.Model] | None:
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(view_class, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _has_version(model) -> bool:
    try:
        f = model._meta.get_field("version")
    except Exception:  # noqa: BLE001 (FieldDoesNotExist)
        return False
    return isinstance(f, models.PositiveIntegerField) and not f.editable and f.default == 1


def test_every_edit_path_is_in_the_table():
    routes = list(_patterns(get_resolver().url_patterns))
    edit_pages = {name for name, _view in routes if EDIT_NAME.search(name.split(":")[-1])}
    in_table = {case.url_name for case in PAGE_EDITS}
    assert edit_pages <= in_table, f"edit pages missing from PAGE_EDITS: {edit_pages - in_table}"
    api = {}
    for name, view in routes:
        actions = getattr(view, "actions", None) or {}
        if {"patch", "put"} & set(actions):
            api[name] = _model_of(view.cls)
    api_in_table = {case.route for case in API_EDITS}
    assert set(api) <= api_in_table, f"API edits missing from API_EDITS: {set(api) - api_in_table}"
    for name, model in api.items():
        assert model is not None and _has_version(model), name
        assert model in {case.model for case in API_EDITS if case.route == name}, name
    for case in PAGE_EDITS:
        assert _has_version(case.model), case.id
    assert len(edit_pages) >= 14 and len(api) >= 7  # the check found what it checks


def test_the_tables_cover_each_edit_once():
    ids = [c.id for c in PAGE_EDITS] + [f"api-{c.id}" for c in API_EDITS]
    assert len(ids) == len(set(ids))
