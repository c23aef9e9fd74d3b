from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "simpul.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which exist only once the app registry is
        # ready. Importing integrations and webhooks registers their outbox backends.
        from simpul.api import integrations, webhooks  # noqa: F401
        from simpul.api.events import publish
        from simpul.core.events import announcer_register

        announcer_register("api", publish)
