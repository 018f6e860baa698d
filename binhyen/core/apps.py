from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "binhyen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        from . import audit, crypto

        audit.connect_signals()
        checks.register(crypto.check_keys, checks.Tags.security, deploy=True)
