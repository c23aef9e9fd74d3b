from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "simpul.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the system checks and the "notification" outbox backend; in ready(), not at the top, because
        # these modules import models, which exist only once the app registry is ready.
        from simpul.notifications import checks, outbox  # noqa: F401
