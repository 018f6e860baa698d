"""Reads of emulation and awards: what a user may see, and the conference list.

- Occasions: those organised by a unit of the user's jurisdiction, and those organised
  by a unit above it (a commune officer proposes for the province's conference).
- Nominations and people: restricted by their unit (where the recipient is).
- The conference list of an occasion: its awarded nominations grouped by form and
  authority, with counts by kind of recipient and the sentence that announces them
  ("7 collectives and 2 individuals received …").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from binhyen.accounts.jurisdiction import jurisdiction_of, restrict
from binhyen.core.text import fold
from binhyen.geo import queries as geo_queries

from .choices import NominationStatus, RecipientKind
from .models import Authority, AwardForm, Nomination, Occasion, Person
from .services.people import id_key, normalise_id

NOMINATION_RELATED = (
    "occasion",
    "form",
    "authority",
    "unit",
    "scheme",
    "organization",
    "recipient_unit",
    "group",
    "person",
    "household",
)


def localized_name(obj) -> str:
    """A catalogue entry's name in the interface's language (English when it has one)."""
    if (get_language() or "vi").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name


# ---- what a user may see -----------------------------------------------------------------


def occasions_for_user(user) -> QuerySet[Occasion]:
    scope = jurisdiction_of(user)
    if scope.unrestricted:
        return Occasion.objects.all()
    if not scope.units:
        return Occasion.objects.none()
    today = geo_queries.today()
    above = {v.unit_id for unit in scope.units for v in geo_queries.ancestors(unit, today)}
    own = restrict(Occasion.objects.all(), user, "unit")
    return Occasion.objects.filter(Q(pk__in=own.values("pk")) | Q(unit_id__in=above))


def get_occasion_for_user(user, pk: int) -> Occasion:
    return get_object_or_404(occasions_for_user(user).select_related("unit"), pk=pk)


def nominations_for_user(user) -> QuerySet[Nomination]:
    return restrict(Nomination.objects.all(), user, "unit")


def get_nomination_for_user(user, pk: int) -> Nomination:
    qs = nominations_for_user(user).select_related(*NOMINATION_RELATED, "occasion__unit")
    return get_object_or_404(qs, pk=pk)


def people_for_user(user) -> QuerySet[Person]:
    return restrict(Person.objects.all(), user, "unit")


def get_person_for_user(user, pk: int) -> Person:
    return get_object_or_404(people_for_user(user).select_related("unit"), pk=pk)


def search_people(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """By ID number (exactly, through its blind index) when the text is one, else by
    every word of the name, diacritics ignored (the folded `search_name`)."""
    text = (text or "").strip()
    if not text:
        return qs
    number = normalise_id(text)
    if number.isdigit():
        return qs.filter(id_key=id_key(number))
    for word in fold(text).split():
        qs = qs.filter(search_name__contains=word)
    return qs


def search_nominations(qs: QuerySet[Nomination], text: str) -> QuerySet[Nomination]:
    """Every word in the recipient's name (diacritics ignored where the recipient keeps a
    folded search name: people, points, organisations, households) or the summary."""
    for word in (text or "").split():
        folded = fold(word)
        qs = qs.filter(
            Q(person__search_name__contains=folded)
            | Q(scheme__search_name__contains=folded)
            | Q(organization__search_name__contains=folded)
            | Q(household__search_name__contains=folded)
            | Q(group__name__icontains=word)
            | Q(recipient_unit__name__icontains=word)
            | Q(summary__icontains=word)
        )
    return qs


def catalogue() -> tuple[list[AwardForm], list[Authority], set[tuple[int, int]]]:
    """Forms, authorities, and which authority awards which form."""
    forms = list(AwardForm.objects.all())
    authorities = list(Authority.objects.all())
    pairs = set(AwardForm.authorities.through.objects.values_list("awardform_id", "authority_id"))
    return forms, authorities, pairs


# ---- the conference list -------------------------------------------------------------------

KIND_ORDER = (RecipientKind.COLLECTIVE, RecipientKind.INDIVIDUAL, RecipientKind.HOUSEHOLD)


def recipients_phrase(counts: dict[str, int]) -> str:
    """ "7 collectives and 2 individuals" (kinds without anyone left out)."""
    words = {
        RecipientKind.COLLECTIVE: lambda n: ngettext("%(n)d collective", "%(n)d collectives", n),
        RecipientKind.INDIVIDUAL: lambda n: ngettext("%(n)d individual", "%(n)d individuals", n),
        RecipientKind.HOUSEHOLD: lambda n: ngettext("%(n)d household", "%(n)d households", n),
    }
    parts = [words[k](counts[k]) % {"n": counts[k]} for k in KIND_ORDER if counts.get(k)]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def award_sentence(counts: dict[str, int], form: AwardForm, authority: Authority) -> str:
    """ "7 collectives and 2 individuals received a Certificate of merit from the Chairman
    of the provincial People's Committee" (vi: "7 tập thể và 2 cá nhân được Chủ tịch Ủy
    ban nhân dân tỉnh tặng Bằng khen")."""
    return _("%(recipients)s received a %(form)s from the %(authority)s") % {
        "recipients": recipients_phrase(counts),
        "form": localized_name(form),
        "authority": localized_name(authority),
    }


@dataclass
class ConferenceGroup:
    form: AwardForm
    authority: Authority
    nominations: list[Nomination] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.nominations)

    @property
    def form_name(self) -> str:
        return localized_name(self.form)

    @property
    def authority_name(self) -> str:
        return localized_name(self.authority)

    @property
    def sentence(self) -> str:
        return award_sentence(self.counts, self.form, self.authority)


def conference_list(occasion: Occasion, user=None) -> list[ConferenceGroup]:
    """The awarded nominations of an occasion (those the user sees), grouped by form and
    authority (forms in catalogue order, then authorities by level), collectives first."""
    qs = Nomination.objects.filter(occasion=occasion, status=NominationStatus.AWARDED)
    if user is not None:
        qs = restrict(qs, user, "unit")
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    nominations = sorted(
        qs.select_related(*NOMINATION_RELATED).prefetch_related("achievements"),
        key=lambda n: (
            n.form.kind,
            n.form.name,
            n.authority.level,
            n.authority.name,
            rank[n.recipient_kind],
            n.unit.code,
            n.recipient_name,
            n.pk,
        ),
    )
    groups: dict[tuple[int, int], ConferenceGroup] = {}
    for n in nominations:
        group = groups.setdefault((n.form_id, n.authority_id), ConferenceGroup(n.form, n.authority))
        group.nominations.append(n)
    for group in groups.values():
        group.counts = dict(Counter(n.recipient_kind for n in group.nominations))
    return list(groups.values())


def achievements_text(nomination: Nomination) -> str:
    """The achievements as one text (the records' descriptions, else the summary)."""
    parts = [a.description for a in nomination.achievements.all()]
    return "; ".join(parts) if parts else nomination.summary
