"""The chunked-upload API (simpul.portal.uploads): thin DRF views, errors as RFC 9457 problem details.

No API authentication and no CSRF check: the portal's offline script calls them from pages of citizens who apply
without an account, and the random upload id is the key to an upload. An API key sent along is ignored. Opening
an upload for a draft's document and finalizing read the session (same-site cookie): a file is checked against,
and attached to, a signed-in citizen's own draft or an anonymous draft this session made, never on the draft
token alone. Opening an upload counts against the
caller's network address (`_client_ip`).

Messages are in the language of the page that calls: the portal script sends its page's `<html lang>` as
`Accept-Language`, and only that header counts here (a language cookie left from another visit would otherwise win
Django's negotiation, and an Indonesian page would show an English refusal).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import get_user
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.cases.views import SESSION_DRAFTS
from simpul.core.http.problems import ProblemError
from simpul.core.http.schema import PROBLEM_MEDIA_TYPE, problem
from simpul.portal import uploads
from simpul.portal.api.serializers import (
    UploadCreatedOutputSerializer,
    UploadCreateInputSerializer,
    UploadFinalizedOutputSerializer,
    UploadFinalizeInputSerializer,
    UploadStatusOutputSerializer,
)

TAGS = ["uploads"]
STATUS = {  # UploadError.code -> HTTP status
    "upload_invalid": 400,
    "upload_not_found": 404,
    "chunk_out_of_range": 400,
    "chunk_damaged": 422,
    "upload_incomplete": 409,
    "upload_damaged": 422,
    "draft_not_found": 404,
    "upload_quota": 429,
    "upload_space_full": 413,
    "document_refused": 400,
    "document_not_requested": 400,
}
_INTS = {"type": "array", "items": {"type": "integer"}}
_NOT_FOUND = problem("`upload_not_found`: no upload has this id (never opened, finalized, or abandoned for "
                     "24 hours).")


class OctetStreamParser(BaseParser):
    """A part's raw bytes (`application/octet-stream`)."""

    media_type = "application/octet-stream"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> bytes:
        return stream.read() if stream is not None else b""


def _problem(error: uploads.UploadError) -> ProblemError:
    problem_error = ProblemError(status_code=STATUS[error.code], code=error.code, detail=error.message,
                                 **error.extensions)
    if "retry_after" in error.extensions:
        problem_error.wait = error.extensions["retry_after"]  # DRF sends it as the Retry-After header
    return problem_error


def _client_ip(request: Request) -> str:
    """The caller's address, for the per-client upload caps. REMOTE_ADDR until simpul.core.clientip lands (it
    knows which proxies to trust); swap this one line then."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _page_language(request: Request) -> str:
    """The supported language the caller's `Accept-Language` prefers (its page's language), else the default."""
    tags = []
    for index, part in enumerate(str(request.META.get("HTTP_ACCEPT_LANGUAGE", "")).split(",")):
        tag, _sep, params = part.strip().partition(";")
        try:
            weight = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            weight = 0.0
        if tag and tag != "*" and weight > 0:
            tags.append((-weight, index, tag))
    for _weight, _index, tag in sorted(tags):
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class _UploadApi(APIView):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language = _page_language(request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)


def _caller(request: Request) -> dict[str, Any]:
    """Who asks, for `draft_for_caller`: the signed-in user and the anonymous drafts this session made."""
    return {"user": get_user(request._request),  # DRF replaced .user
            "session_drafts": request._request.session.get(SESSION_DRAFTS, [])}


class UploadCreateApi(_UploadApi):
    @extend_schema(
        operation_id="uploads_create", summary="Open a chunked upload", tags=TAGS,
        description="Open a resumable upload of one document (at most 15 MB by default: a phone photo as taken; "
        "`SIMPUL_UPLOAD_PHOTO_MAX_BYTES`). Then send its parts, ask which "
        "arrived after a dropped link, and finalize it into an application draft. Give the `draft` and its "
        "`document` (and the file's first bytes as `head`) to have the file refused before any part is sent "
        "when it is too large for the document or of a type it does not take.",
        request=UploadCreateInputSerializer,
        responses={
            201: UploadCreatedOutputSerializer,
            (400, PROBLEM_MEDIA_TYPE): problem(
                "`upload_invalid` (see `errors`), `malformed_request`, `document_refused` (the document check's "
                "message, also in `errors`: too large for the document, or not a type it takes) or "
                "`document_not_requested`."),
            (404, PROBLEM_MEDIA_TYPE): problem("`draft_not_found`: the application was not found, has already "
                                               "been sent, or is not the caller's."),
            (413, PROBLEM_MEDIA_TYPE): problem("`upload_space_full`: the uploads open from everyone fill the space "
                                               "set aside; try again after `retry_after` seconds.",
                                               retry_after={"type": "integer"}),
            (429, PROBLEM_MEDIA_TYPE): problem("`upload_quota`: this client already has too many uploads open; "
                                               "try again after `retry_after` seconds.",
                                               retry_after={"type": "integer"}),
        },
    )
    def post(self, request: Request) -> Response:
        data = UploadCreateInputSerializer(data=request.data)
        if not data.is_valid():
            raise ProblemError(status_code=400, code="upload_invalid", detail=uploads.upload_invalid_message(),
                               errors={k: [str(m) for m in v] for k, v in data.errors.items()})
        payload = data.validated_data
        try:
            created = uploads.upload_start(filename=payload["filename"], size=payload["size"],
                                           sha256=payload["sha256"], client=_client_ip(request),
                                           draft_token=payload["draft"], document=payload["document"],
                                           head=payload.get("head"), **_caller(request))
        except uploads.UploadError as error:
            raise _problem(error) from error
        return Response(UploadCreatedOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class UploadStatusApi(_UploadApi):
    @extend_schema(
        operation_id="uploads_retrieve", summary="Parts received and missing", tags=TAGS,
        description="What has arrived: after a dropped link, send only the `missing` parts.",
        responses={200: UploadStatusOutputSerializer, (404, PROBLEM_MEDIA_TYPE): _NOT_FOUND},
    )
    def get(self, request: Request, upload_id: str) -> Response:
        try:
            state = uploads.upload_get(upload_id=upload_id)
        except uploads.UploadError as error:
            raise _problem(error) from error
        return Response(UploadStatusOutputSerializer(state).data)

    @extend_schema(
        operation_id="uploads_destroy", summary="Abandon an upload", tags=TAGS,
        description="Remove the upload and the parts sent so far now, instead of after 24 hours: the person "
        "gave up, or picked another file.",
        responses={204: None, (404, PROBLEM_MEDIA_TYPE): _NOT_FOUND},
    )
    def delete(self, request: Request, upload_id: str) -> Response:
        try:
            uploads.upload_abandon(upload_id=upload_id)
        except uploads.UploadError as error:
            raise _problem(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadChunkApi(_UploadApi):
    parser_classes: ClassVar[list[Any]] = [OctetStreamParser]

    @extend_schema(
        operation_id="uploads_chunk_update", summary="Send one part", tags=TAGS,
        description="The part's raw bytes: `chunk_size` bytes, the last part the rest. Sending a part again "
        "replaces it. The body is read as bytes whatever its Content-Type.",
        parameters=[OpenApiParameter("X-Chunk-SHA256", OpenApiTypes.STR, location=OpenApiParameter.HEADER,
                                     required=True, pattern="^[0-9A-Fa-f]{64}$",
                                     description="The part's SHA-256, in hex.")],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={
            204: None,
            (400, PROBLEM_MEDIA_TYPE): problem("`chunk_out_of_range`: the part number is outside the file."),
            (404, PROBLEM_MEDIA_TYPE): _NOT_FOUND,
            (422, PROBLEM_MEDIA_TYPE): problem(
                "`chunk_damaged`: the part's size or SHA-256 is wrong; send it again.",
                chunk={"type": "integer", "description": "The part to send again."}),
        },
    )
    def put(self, request: Request, upload_id: str, number: int) -> Response:
        try:
            uploads.upload_chunk_store(upload_id=upload_id, number=number, content=request.body,
                                       sha256=request.headers.get("X-Chunk-SHA256", ""))
        except uploads.UploadError as error:
            raise _problem(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadFinalizeApi(_UploadApi):
    @extend_schema(
        operation_id="uploads_finalize", summary="Finalize into an application draft", tags=TAGS,
        description="Join the parts, check the whole file's SHA-256, and attach it to the draft's document "
        "through the same checks as a form upload (type by magic bytes, size cap, image re-encoding).",
        request=UploadFinalizeInputSerializer,
        responses={
            200: UploadFinalizedOutputSerializer,
            (400, PROBLEM_MEDIA_TYPE): problem(
                "`document_refused` (the document check's messages, also in `errors`), `document_not_requested`, "
                "`invalid` or `malformed_request`."),
            (404, PROBLEM_MEDIA_TYPE): problem("`upload_not_found`, or `draft_not_found`: the application was "
                                               "not found, has already been sent, or is not the caller's (a "
                                               "signed-in applicant's own draft, or an anonymous draft made in "
                                               "this session)."),
            (409, PROBLEM_MEDIA_TYPE): problem(
                "`upload_incomplete`: some parts have not arrived; send the `missing` ones.",
                missing={**_INTS, "description": "The parts still to send."}),
            (422, PROBLEM_MEDIA_TYPE): problem(
                "`upload_damaged`: the joined file's SHA-256 differs; every part was dropped, send them again.",
                missing={**_INTS, "description": "The parts to send again: all of them."}),
        },
    )
    def post(self, request: Request, upload_id: str) -> Response:
        data = UploadFinalizeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = data.validated_data
        try:
            done = uploads.upload_finalize(upload_id=upload_id, sha256=payload.get("sha256"),
                                           draft_token=payload["draft"], document=payload["document"],
                                           **_caller(request))
        except uploads.UploadError as error:
            raise _problem(error) from error
        return Response(UploadFinalizedOutputSerializer(done).data)
