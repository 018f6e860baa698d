import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.generator.run import generate
from binhyen.generator.sizes import SIZES


class Command(BaseCommand):
    help = (
        "Build a realistic, deterministic data set of province or national size through the "
        "bulk path, into an empty migrated database (docs/scale.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SIZES), required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--units", type=Path, help="official units-2024.csv (units-2025.csv beside it)"
        )
        parser.add_argument("--lineage", type=Path, help="official lineage-2025.csv")
        parser.add_argument(
            "--factor", type=float, default=1.0, help="records × this factor (growth benchmark)"
        )

    def handle(self, *args, **opts):
        from binhyen.geo.models import AdminUnit

        if AdminUnit.objects.exists():
            raise CommandError(_("The database already holds units: generate into an empty one."))
        for name in ("units", "lineage"):
            if opts[name] is not None and not opts[name].exists():
                raise CommandError(_("File not found: %(path)s") % {"path": opts[name]})
        if opts["factor"] <= 0:
            raise CommandError(_("The factor must be positive."))
        size = SIZES[opts["scale"]].scaled(opts["factor"])
        shown = {}
        started = time.monotonic()

        def progress(what, done, total):
            percent = 100 * done // max(1, total)
            if shown.get(what) == percent:
                return
            shown[what] = percent
            self.stdout.write(
                f"[{time.monotonic() - started:6.0f} s] {what}: {done:,}/{total:,} ({percent}%)"
            )

        result = generate(size, opts["seed"], opts["units"], opts["lineage"], progress)
        self.stdout.write(_("Geography: %(what)s") % {"what": result.description})
        for name, n in result.counts.items():
            self.stdout.write(f"  {name}: {n:,}")
        self.stdout.write(self.style.SUCCESS(_("Generated in %(s).0f s.") % {"s": result.seconds}))
