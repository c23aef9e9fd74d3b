from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "simpul.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which exist only once the app registry is ready.
        from simpul.regions import checks  # noqa: F401  (registers the system checks)
