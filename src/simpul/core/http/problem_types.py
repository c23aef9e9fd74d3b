"""The problem types of the API (RFC 9457 section 3.1.1): one human page per stable `code`, whose absolute
address on the site (SITE_URL) is the `type` of every error body with that code.

A client switches on `code`; a person who follows `type` reads what the problem means and what to do about it,
in their language (`/masalah/<code>/`, and `/en/masalah/<code>/` in English). A code that is not listed here
gets `about:blank` (the RFC's "no more to say than the status"); the API's fuzz test fails on any such code it
meets, so a new code is listed here when it is first raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from simpul.core.http.urls import absolute_url

ABOUT_BLANK = "about:blank"
# The page's path in the site's default language (`problems:detail` in simpul.urls; a test holds them together).
# Spelled out rather than reversed: the type of a problem does not depend on the URLconf that answers it.
PAGE_PATH = "/masalah/{code}/"


@dataclass(frozen=True)
class ProblemType:
    """What one error code means (`title`) and what the caller can do about it (`advice`)."""

    code: str
    title: Promise
    advice: Promise


_TYPES = [
    # The request itself
    ProblemType("malformed_request", _("The request cannot be read"),
                _("The body is not well-formed for its content type, for example JSON with a missing bracket or "
                  "quote. Check the body with a JSON validator and send it again.")),
    ProblemType("invalid", _("Some fields are not valid"),
                _("The member `errors` names each field that is wrong, with the reason. Correct those fields and "
                  "send the request again.")),
    ProblemType("unsupported_media_type", _("This content type is not accepted"),
                _("Send the body in one of the content types the operation documents, usually "
                  "`application/json`, and say so in the `Content-Type` header.")),
    ProblemType("not_acceptable", _("This format is not available"),
                _("The `Accept` header asks for a format this operation cannot give. Ask for `application/json`, "
                  "or leave the header out.")),
    ProblemType("payload_too_large", _("The request is too large"),
                _("The body is larger than the API accepts. Send large documents in parts through the chunked "
                  "upload (`/api/v1/uploads/`).")),
    ProblemType("method_not_allowed", _("This method is not allowed here"),
                _("The address exists, but not for this HTTP method. The `Allow` header lists the methods it "
                  "takes.")),
    ProblemType("not_found", _("Not found"),
                _("There is no such address, or no object with this identifier that you may see. Check the "
                  "address and the identifier.")),
    # Who is calling
    ProblemType("not_authenticated", _("An API key is needed"),
                _("This operation is only for registered systems. Send your API key in the header "
                  "`Authorization: Bearer <key>`; the office that runs Simpul issues keys.")),
    ProblemType("authentication_failed", _("The credentials were not accepted"),
                _("The key or session sent with the request is not valid. Check the key, or log in again.")),
    ProblemType("api_key_unknown", _("The API key is not known"),
                _("No key like this one was ever issued, or it was mistyped. Check the key you send.")),
    ProblemType("api_key_revoked", _("The API key was revoked"),
                _("This key no longer works. Ask the office that runs Simpul for a new key.")),
    ProblemType("api_key_expired", _("The API key has expired"),
                _("This key was issued until a date that has passed. Ask for a new key.")),
    ProblemType("api_client_inactive", _("The API client is disabled"),
                _("The system this key belongs to is switched off or its access has ended. Ask the office that "
                  "runs Simpul.")),
    ProblemType("https_required", _("HTTPS is required"),
                _("The API answers only over an encrypted connection. Call the https:// address, and ask for a "
                  "new key if the old one may have been seen on the network.")),
    ProblemType("permission_denied", _("Not allowed"),
                _("You are known, but you may not do this. Ask the office that runs Simpul if you think you "
                  "should.")),
    ProblemType("scope_missing", _("The API key lacks a scope"),
                _("The key is valid but was not given the scope this operation needs; `detail` names it. Ask for "
                  "the scope to be added to your client.")),
    ProblemType("scope_restricted", _("Not allowed for this office or service"),
                _("Your API client may act only for its own offices and services. Send the request for one of "
                  "them, or ask for the client's reach to be widened.")),
    ProblemType("signature_invalid", _("The signature is not valid"),
                _("The request must be signed with the shared secret, with a timestamp of the last few minutes. "
                  "Check the secret, the clock and that the body is signed exactly as sent.")),
    ProblemType("rate_limited", _("Too many requests"),
                _("Your client sent more requests than its limit allows. Wait the number of seconds in "
                  "`Retry-After` (also `retry_after`) and try again.")),
    # Idempotent writes
    ProblemType("idempotency_key_missing", _("The Idempotency-Key header is missing"),
                _("This write needs an `Idempotency-Key` header: a new UUID for each new request, and the same "
                  "one when you retry the same request.")),
    ProblemType("idempotency_key_invalid", _("The Idempotency-Key header is not valid"),
                _("The key must be 1 to 200 printable characters without quotes; a UUID is best.")),
    ProblemType("idempotency_key_reused", _("The idempotency key was used for another request"),
                _("A key may only be reused to retry exactly the same request. Use a new key for a new "
                  "request.")),
    ProblemType("idempotency_request_in_flight", _("The first request is still running"),
                _("A request with this key is still being processed. Wait a moment and send it again: you then "
                  "get the first answer.")),
    # State of things
    ProblemType("conflict", _("Conflict"),
                _("The request does not fit the current state of the object. Read it again and decide anew.")),
    ProblemType("transition_not_allowed", _("This step is not possible now"),
                _("The case is not in a state where this action can be taken. Read the case's status and its "
                  "available actions first.")),
    ProblemType("not_permitted", _("This action is not allowed on this case"),
                _("Your office may not take this action on this case in its present state.")),
    ProblemType("no_pending_disposition", _("No forwarding is waiting"),
                _("The case was not forwarded to your office, or that forwarding was already decided.")),
    ProblemType("no_complaint_unit", _("No complaint unit is set up"),
                _("The regency has not named an office that handles complaints yet; the office that runs Simpul "
                  "can set one.")),
    ProblemType("unknown_workflow", _("Unknown workflow"),
                _("The service of this case names a workflow Simpul does not know. Tell the office that runs "
                  "Simpul.")),
    ProblemType("not_resendable", _("This delivery cannot be sent again"),
                _("Only a delivery that failed for good can be sent again.")),
    # Uploads in parts
    ProblemType("upload_invalid", _("The upload cannot start"),
                _("The name, size or checksum of the file is missing or wrong; `errors` says which.")),
    ProblemType("upload_not_found", _("No such upload"),
                _("The upload does not exist, has expired or belongs to someone else. Start a new upload.")),
    ProblemType("chunk_out_of_range", _("No such part"),
                _("The part number is outside the upload. Parts are numbered from 0; see `missing`.")),
    ProblemType("chunk_damaged", _("The part arrived damaged"),
                _("The part's checksum does not match what was sent. Send the part again.")),
    ProblemType("upload_incomplete", _("Parts are still missing"),
                _("Not every part of the file has arrived; `missing` lists the ones to send before "
                  "finishing.")),
    ProblemType("upload_damaged", _("The file arrived damaged"),
                _("The whole file's checksum does not match the one given at the start. Start the upload "
                  "again.")),
    ProblemType("draft_not_found", _("No such draft"),
                _("The application draft does not exist or is not yours.")),
    ProblemType("upload_quota", _("Too many uploads at once"),
                _("Finish or cancel your open uploads, or wait a little, before starting another.")),
    ProblemType("upload_space_full", _("No room for the upload"),
                _("The server has no room for more uploads right now. Try again later.")),
    ProblemType("document_refused", _("The document was refused"),
                _("The file did not pass the document check (type, size, or content); `errors` says why.")),
    ProblemType("document_not_requested", _("This document is not asked for"),
                _("The service's form does not ask for a document with this code.")),
    # The server
    ProblemType("server_error", _("Server error"),
                _("Something went wrong on Simpul's side; it has been logged. Nothing was saved. Try again "
                  "later.")),
    ProblemType("overloaded", _("Simpul is very busy"),
                _("Too many requests arrived at once. Nothing was lost: wait the seconds in `Retry-After` and "
                  "try again.")),
]

PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for t in _TYPES}


def problem_type_get(code: str) -> ProblemType | None:
    return PROBLEM_TYPES.get(code)


def problem_type_uri(code: str) -> str:
    """The absolute address of the page of `code`, the same in every language, or `about:blank`."""
    if code not in PROBLEM_TYPES:
        return ABOUT_BLANK
    return absolute_url(PAGE_PATH.format(code=code))
