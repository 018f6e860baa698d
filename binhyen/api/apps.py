from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "binhyen.api"
    label = "api"
