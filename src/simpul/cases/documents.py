"""Case documents are checked and stored by the one upload pipeline, `simpul.core.files`; these names are kept
so the cases code (and anything importing it) reads as before."""

from simpul.core.files import (
    CONTENT_TYPES,
    MAX_IMAGE_PIXELS,
    CheckedFile,
    detect_kind,
    document_check,
    document_delete,
    document_limit,
    document_open,
    document_store,
    human_bytes,
    limits_text,
    photo_limit,
    photo_too_large_message,
    sanitise_name,
    too_large_message,
)

__all__ = [
    "CONTENT_TYPES",
    "MAX_IMAGE_PIXELS",
    "CheckedFile",
    "detect_kind",
    "document_check",
    "document_delete",
    "document_limit",
    "document_open",
    "document_store",
    "human_bytes",
    "limits_text",
    "photo_limit",
    "photo_too_large_message",
    "sanitise_name",
    "too_large_message",
]
