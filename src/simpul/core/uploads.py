"""Upload handlers that drop an empty file part (0 bytes) from `request.FILES`, on every form and API alike.

A browser sends an optional file input left empty as a part with no file name, which Django already skips; some
clients (older versions of the offline outbox among them) send it as a 0-byte part named "file". Both mean "no
file": with these handlers (settings.FILE_UPLOAD_HANDLERS) an optional document, the operator's photo of the
consent form or a correction's file left empty is simply not there, instead of being refused as "empty".
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler


class SkipEmptyMemoryFileUploadHandler(MemoryFileUploadHandler):
    def file_complete(self, file_size: int) -> Any:
        if self.activated and file_size == 0:
            return None  # the next handler (the temporary-file one) was never given this part: it returns None too
        return super().file_complete(file_size)


class SkipEmptyTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def file_complete(self, file_size: int) -> Any:
        upload = self.__dict__.pop("file", None)  # set by new_file() only for the parts this handler received
        if upload is None:
            return None
        if file_size == 0:
            upload.close()
            return None
        upload.seek(0)
        upload.size = file_size
        return upload
