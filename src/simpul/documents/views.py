"""Pages of issued documents: the public verification page (anyone, no account, no JavaScript), the issuing
office's revoke form on it, the download for the holder, and "Dokumen saya"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simpul.accounts.permissions import require_staff_mfa
from simpul.cases.permissions import is_applicant
from simpul.cases.views import SESSION_TRACKED
from simpul.core.clientip import client_ip
from simpul.core.limits import Limit, limit_hit
from simpul.documents import selectors, services
from simpul.documents.forms import ReissueForm, RevokeForm, VerifyCodeForm, VerifyUploadForm
from simpul.documents.models import Document, DocumentStatus
from simpul.documents.verification import upload_check


def verify_limit() -> Limit:
    return Limit(scope="documents.verify_upload", maximum=settings.DOCUMENTS_VERIFY_PER_HOUR, window_seconds=3600)


def verify_start(request: HttpRequest) -> HttpResponse:
    """/verifikasi/: type the code printed on the letter."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        document = selectors.document_get_by_code(code=form.cleaned_data["code"])
        if document is not None:
            return redirect("documents:verify", code=document.code)
        form.add_error("code", _("No document has this code. Check it for typing mistakes."))
    return render(request, "documents/verify_start.html", {"form": form}, status=404 if form.errors else 200)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """/verifikasi/<code>/: what was issued, its status, and a check of an uploaded PDF."""
    document = selectors.document_get_by_code(code=code)
    if document is None:
        raise Http404
    if document.code != code:
        return redirect("documents:verify", code=document.code)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    check, status = None, 200
    if request.method == "POST":
        if limit_hit(verify_limit(), client_ip(request)).exceeded:
            form.add_error(None, _("You have checked many files. Please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(settings.DOCUMENTS_VERIFY_MAX_BYTES + 1)
            check = upload_check(document=document, content=content)
        else:
            status = 400
    return render(request, "documents/verify.html", {
        "document": document, "form": form, "check": check, "valid": document.status == DocumentStatus.VALID,
        "may_revoke": selectors.document_may_revoke(document=document, user=request.user),
        "may_reissue": selectors.document_may_reissue(document=document, user=request.user),
        "revoke_form": RevokeForm(), "reissue_form": ReissueForm(),
        "asks_passphrase": settings.DOCUMENTS_SIGNING_BACKEND == "bsre",
    }, status=status)


@require_POST
@require_staff_mfa
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.document_get_by_code(code=code)
    if document is None or not selectors.document_may_revoke(document=document, user=request.user):
        raise Http404
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please write why the document is revoked."))
        services.document_revoke(document=document, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The document was revoked. The verification page says so now."))
    return redirect("documents:verify", code=document.code)


@require_POST
@require_staff_mfa
def reissue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue the document again from its source (a corrected name, say); the old one is then "superseded"."""
    document = selectors.document_get_by_code(code=code)
    if document is None or not selectors.document_may_reissue(document=document, user=request.user):
        raise Http404
    form = ReissueForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please write why the document is issued again."))
        new = services.document_reissue(document=document, actor=request.user, reason=form.cleaned_data["reason"],
                                        passphrase=form.cleaned_data["passphrase"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:verify", code=document.code)
    messages.success(request, _("The document was issued again as {number}. The old one now says it was replaced.")
                     .format(number=new.number))
    return redirect("documents:verify", code=new.code)


def _may_download(request: HttpRequest, document: Document) -> bool:
    if selectors.document_may_revoke(document=document, user=request.user):
        return True
    case = document.case
    if case is None:  # a certificate: its holder's own
        return bool(request.user.is_authenticated and document.holder_id == request.user.pk)
    return is_applicant(case, request.user) or case.reference in request.session.get(SESSION_TRACKED, [])


def download(request: HttpRequest, code: str) -> HttpResponse:
    """The issued PDF, for its holder (signed in, or with the case's PIN in this session) and the office."""
    document = selectors.document_get_by_code(code=code)
    if document is None or not _may_download(request, document):
        raise Http404
    response = HttpResponse(selectors.document_content(document=document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_documents(request: HttpRequest) -> HttpResponse:
    """"Dokumen saya": every document issued to the signed-in citizen, with download and verification links."""
    documents = list(selectors.document_list_for_holder(user=request.user))
    return render(request, "documents/mine.html", {"documents": documents,
                                                   "verify_base": reverse("documents:verify_start")})
