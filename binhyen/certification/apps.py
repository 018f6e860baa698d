from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "binhyen.certification"
    label = "certification"
    verbose_name = _("Certification as safe for security and order")
