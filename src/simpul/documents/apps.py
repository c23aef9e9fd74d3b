from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "simpul.documents"
    label = "documents"
    verbose_name = _("Issued documents")

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which exist only once the app registry is ready.
        from simpul.cases.actions import approval_hooks
        from simpul.cases.receipts import signed_receipts
        from simpul.cases.tracking import result_links
        from simpul.documents import selectors, services

        approval_hooks.register(services.approval_issue, name="documents.decision_letter")
        result_links.register(selectors.tracking_links, name="documents.issued")
        signed_receipts.register(services.receipt_signed, name="documents.receipt")
