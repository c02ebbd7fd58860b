"""Upload handling: every uploaded file goes to a temporary file and is hashed as it arrives."""

import hashlib
from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes to a temporary file (memory stays flat) and computes SHA-256 on the way."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.hasher = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.hasher.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> TemporaryUploadedFile:
        uploaded = super().file_complete(file_size)
        assert isinstance(uploaded, TemporaryUploadedFile)
        uploaded.sha256 = self.hasher.hexdigest()  # type: ignore[attr-defined]
        return uploaded
