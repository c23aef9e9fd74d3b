"""What a case is called, in one place: a complaint is a complaint on every screen, receipt and message after it is
sent ("Nomor pengaduan", "Lacak pengaduan Anda"), never "permohonan"; an application is an application.

Templates read `wording` (`case_wording(case)`); the receipts (`simpul.cases.receipts`), the confirmation and
tracking pages and the village operator's receipt all ask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from simpul.cases.constants import CaseKind


@dataclass(frozen=True)
class CaseWording:
    heading: str | Promise  # "Complaint" (before the reference on the tracking page)
    number: str | Promise  # "Complaint number"
    your_number: str | Promise  # "Your complaint number"
    sent_title: str | Promise
    sent_heading: str | Promise
    write_down: str | Promise
    next_steps: tuple[str | Promise, ...]
    follow: str | Promise  # the link to the tracking page
    withdraw: str | Promise
    receipt_follow: str | Promise  # with {url}
    title: str | Promise  # the receipt's heading
    person: str | Promise  # whom the receipt names


_APPLICATION = CaseWording(
    heading=_("Application"),
    number=_("Reference number"),
    your_number=_("Your reference number"),
    sent_title=_("Application sent"),
    sent_heading=_("Your application has been sent"),
    write_down=_("Write down the reference number and the PIN now, or download the receipt. The PIN is not shown "
                 "again."),
    next_steps=(
        _("An officer checks your application and documents."),
        _("If something must be corrected, you get a message; you correct it on the tracking page."),
        _("When it is finished, you get a message and can download the result or collect it at the office."),
    ),
    follow=_("Follow your application"),
    withdraw=_("Withdraw this application"),
    receipt_follow=_("Follow your application at {url} with the reference number and your PIN. Keep the PIN "
                     "secret."),
    title=_("Application receipt"),
    person=_("Applicant"),
)

WORDING: dict[str, CaseWording] = {
    CaseKind.APPLICATION: _APPLICATION,
    CaseKind.PERMIT: CaseWording(**{**_APPLICATION.__dict__, "heading": _("Permit application"),
                                    "title": _("Permit application receipt")}),
    CaseKind.INFORMATION_REQUEST: CaseWording(**{
        **_APPLICATION.__dict__, "heading": _("Information request"), "title": _("Information request receipt"),
        "person": _("Requester"),
        "next_steps": (
            _("The information officer (PPID) checks your request."),
            _("If something must be clarified, you get a message; you answer it on the tracking page."),
            _("When it is answered, you get a message and can download the information on the tracking page."),
        ),
    }),
    CaseKind.COMPLAINT: CaseWording(
        heading=_("Complaint"),
        number=_("Complaint number"),
        your_number=_("Your complaint number"),
        sent_title=_("Complaint sent"),
        sent_heading=_("Your complaint has been sent"),
        write_down=_("Write down the complaint number and the PIN now, or download the receipt. The PIN is not "
                     "shown again."),
        next_steps=(
            _("An officer checks your complaint and sends it to the office responsible."),
            _("You can follow what is done about it on the tracking page."),
            _("When it is resolved, you get a message if you left a phone number."),
        ),
        follow=_("Follow your complaint"),
        withdraw=_("Withdraw this complaint"),
        receipt_follow=_("Follow your complaint at {url} with the complaint number and your PIN. Keep the PIN "
                         "secret."),
        title=_("Complaint receipt"),
        person=_("Reporter"),
    ),
}


def case_wording(case: Any) -> CaseWording:
    """The words for this case's kind (an application's when the kind is unknown)."""
    return WORDING.get(getattr(case, "kind", ""), _APPLICATION)
