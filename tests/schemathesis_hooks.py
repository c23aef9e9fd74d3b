"""schemathesis hooks for Simpul's API, used by `tests/test_api_schema_fuzz.py` and by `schemathesis run` (the
project's `schemathesis.toml` names this file; docs/operations.md, "Fuzz tests").

1. The SMS gateway's webhook (`POST /api/v1/sms/inbound/`) is authenticated by an HMAC signature over the body,
   not by the API key: each generated body is signed as the gateway signs it (`simpul.notifications.gateways.sign`,
   HMAC-SHA256 over `<timestamp>.<body>`), with the secret in `SIMPUL_SMS_INBOUND_SECRET`, so the fuzzing reaches
   past the signature check. Without the variable nothing is signed (and the operation only answers 403).

2. Where a request is valid by the schema but its value can only be judged against stored data, the clock, another
   field or an earlier request, the API refuses it with 400 `invalid` naming the field (or 422 `idempotency_key_reused`), and
   schemathesis' `positive_data_acceptance` reports "valid data rejected". `DATA_DEPENDENT` lists, per operation,
   the fields whose refusal is such a judgement and why; a refusal that names only those fields is dropped. Any
   other refusal of schema-valid data still fails the run: its constraint belongs in the schema.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

SMS_INBOUND = "POST /api/v1/sms/inbound/"
TIMESTAMP, SIGNATURE = "X-Simpul-Timestamp", "X-Simpul-Signature"

# operation -> {field (first part of the `errors` key): why only the server can judge it}
DATA_DEPENDENT: dict[str, dict[str, str]] = {
    "GET /api/v1/agency/cases/": {"cursor": "a cursor is one the server issued"},
    "POST /api/v1/agency/cases/{reference}/actions/": {
        "action": "which actions a case allows depends on its state and workflow",
        "note": "some actions need a note, depending on the action",
    },
    "POST /api/v1/agency/cases/{reference}/dispositions/": {"to_agency": "an agency that exists and is active"},
    "POST /api/v1/agency/cases/{reference}/documents/": {
        "spec_code": "a document the case's service asks for",
        "content_base64": "the document check reads the file's content (type, structure)",
        "file": "the document check reads the file's content (type, structure)",
    },
    "POST /api/v1/cases/": {
        "service": "a service that exists and is open",
        "answers": "the answers are checked against the service's own form",
        "documents": "documents are checked against the service's form and by their content",
        "consent": "what consent a service needs is in its form",
        "__all__": "who may apply depends on the service (an account, a business account)",
        "non_field_errors": "who may apply depends on the service (an account, a business account)",
    },
    "GET /api/v1/infrastructure/coverage/": {
        "since": "the period must end after it starts, by default now: judged against `until` and the clock",
        "until": "the period must end after it starts",
    },
    "POST /api/v1/infrastructure/measurements/": {
        "measured_at": "a measurement time is judged against the clock",
        "link": "a link that exists",
    },
    "POST /api/v1/measurements/": {
        "measured_at": "a measurement time is judged against the clock",
        "link": "a link that exists",
    },
    "POST /api/v1/uploads/": {
        "document": "a document the draft's service asks for",
        "draft": "a draft that exists",
        "head": "the file's type is told from its first bytes",
        "size": "the size limit is the document's own",
    },
    "POST /api/v1/webhooks/subscriptions/": {
        "url": "whether an address may receive webhooks depends on the network rules (https, no private hosts)",
        "agencies": "agencies that exist and that the client may act for",
        "event_types": "some event types need a scope the client may lack",
    },
}
# operation -> {problem code: why only the server can judge it}
DATA_DEPENDENT_CODES: dict[str, dict[str, str]] = {
    "PUT /api/v1/uploads/{upload_id}/chunks/{number}/": {
        "chunk_out_of_range": "how many parts an upload has depends on the size it was opened with",
        "chunk_damaged": "a part's size and SHA-256 must match the upload and the part's own bytes",
    },
    "POST /api/v1/uploads/{upload_id}/finalize/": {
        "upload_damaged": "the whole file's SHA-256 must match the one the upload was opened with",
        "document_refused": "the document check reads the file's content",
        "document_not_requested": "a document the draft's service asks for",
    },
    "POST /api/v1/uploads/": {
        "document_refused": "the document check reads the file's first bytes and the document's size limit",
        "document_not_requested": "a document the draft's service asks for",
    },
}
# Codes of refusals that depend on earlier requests, whatever the operation.
STATEFUL_CODES = {"idempotency_key_reused"}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    secret = os.environ.get("SIMPUL_SMS_INBOUND_SECRET", "")
    headers = case.headers or {}
    if not secret or case.operation.label != SMS_INBOUND or not {TIMESTAMP, SIGNATURE} <= set(headers):
        return  # a case that leaves a header out tests exactly that
    try:
        body = json.dumps(case.body).encode()  # what the transport sends for a JSON body
    except (TypeError, ValueError):
        return
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    case.headers = {**headers, TIMESTAMP: stamp, SIGNATURE: f"sha256={digest}"}


def data_dependent_refusal(label: str, status: int, body: Any) -> bool:
    """Whether a refusal of schema-valid data is one only the server can make (see the module's docstring)."""
    if not isinstance(body, dict):
        return False
    if status == 422 and body.get("code") in STATEFUL_CODES:
        return True
    if body.get("code") in DATA_DEPENDENT_CODES.get(label, {}):
        return True
    fields = DATA_DEPENDENT.get(label, {})
    errors = body.get("errors")
    if status != 400 or not fields or not isinstance(errors, dict) or not errors:
        return False
    return all(str(key).split(".")[0] in fields for key in errors)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        body = json.loads(response.content)
    except ValueError:
        return True
    return not data_dependent_refusal(case.operation.label, response.status_code, body)
