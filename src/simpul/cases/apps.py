from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "simpul.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from simpul.cases import subject_data  # noqa: F401  (registers the cases' part of the data-subject export)
