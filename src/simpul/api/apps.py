from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "simpul.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Importing these registers the outbox backends; they need the app registry ready, hence here.
        from simpul.api import integrations, webhooks  # noqa: F401
        from simpul.api.events import publish
        from simpul.core.events import announcer_register

        announcer_register("api", publish)
