from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "simpul.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which exist only once the app registry is ready.
        from simpul.cases import sms, subject_data  # noqa: F401  (register the SMS status answer, the data export)
