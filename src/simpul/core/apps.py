from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "simpul.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which exist only once the app registry is ready.
        from simpul.core import checks  # noqa: F401  (registers the system checks)
        from simpul.core.pagecache import connect_invalidation

        connect_invalidation()
