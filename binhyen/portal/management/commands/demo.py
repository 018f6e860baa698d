from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binhyen.accounts.choices import Role
from binhyen.awards.demo import load_awards
from binhyen.certification.demo import load_certification
from binhyen.core.audit import audit_context
from binhyen.geo.demo_boundaries import load_demo_boundaries
from binhyen.outcomes.demo import load_outcomes
from binhyen.portal.demo import DEMO_PASSWORD, DEMO_USERS, SEED, load_demo
from binhyen.reports.demo import load_reported
from binhyen.schemes.demo import load_registry
from binhyen.tips.demo import load_tips


class Command(BaseCommand):
    help = "Load the fictional demo provinces and demo users (deterministic, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args, seed, **opts):
        with audit_context(source="demo"):
            result = load_demo(seed)
            registry = load_registry(seed)
            outcomes = load_outcomes(seed)
            tips = load_tips(seed)
            reported = load_reported()
            certification = load_certification(seed)
            awards = load_awards(seed)
            load_demo_boundaries()
        before, after = result["structures"]
        self.stdout.write(
            _("Demo geography: %(a)d units created, %(b)d closed, %(t)d transitions.")
            % {"a": before.created + after.created, "b": after.closed, "t": after.transitions}
        )
        self.stdout.write(
            _("Demo registry: %(n)d scheme points with their groups and households.")
            % {"n": registry["points"]}
        )
        self.stdout.write(_("Demo outcome registers: %(n)d records.") % {"n": outcomes["records"]})
        self.stdout.write(
            _("Demo tips: %(t)d tips and %(c)d cases.") % {"t": tips["tips"], "c": tips["cases"]}
        )
        self.stdout.write(
            _("Demo reported figures of the 2016–2020 review: %(n)d.") % {"n": reported}
        )
        self.stdout.write(
            _("Demo certification year 2026: %(n)d subjects.")
            % {"n": certification["certifications"]}
        )
        self.stdout.write(_("Demo award round: %(n)d nominations.") % {"n": awards["nominations"]})
        self.stdout.write(_("Demo accounts (password: %(p)s):") % {"p": DEMO_PASSWORD})
        for spec, user in zip(DEMO_USERS, result["users"], strict=True):
            self.stdout.write(f"  {user.username:<10} {Role(spec.role).label}")
