from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "simpul.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from simpul.api import integrations, schema, webhooks  # noqa: F401 - security scheme, outbox backends
