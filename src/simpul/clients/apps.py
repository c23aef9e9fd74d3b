from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """API clients (an agency's system or a partner), their keys, scopes and call log, and how a request
    authenticates with a key. Below the domain apps, so their API views can ask who is calling."""

    name = "simpul.clients"
    label = "clients"
    verbose_name = _("API clients")

    def ready(self) -> None:
        # In ready(), not at the top: drf-spectacular's extensions read DRF's settings, loaded with the apps.
        from simpul.clients import schema  # noqa: F401 - registers the OpenAPI security schemes on import
