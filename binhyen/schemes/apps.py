from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "binhyen.schemes"
    label = "schemes"
    verbose_name = _("Schemes")
