"""Log filter that masks personal data (NIK, PIN, passwords, keys) before a line is written."""

from __future__ import annotations

import logging
import re

_NIK_RE = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
_SECRET_RE = re.compile(r"(?i)(pin|password|passwd|api[_-]?key|token|secret)([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,]+)")


def mask_text(text: str) -> str:
    text = _NIK_RE.sub(r"\1********\2", text)
    return _SECRET_RE.sub(r"\1\2***", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
