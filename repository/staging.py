"""Large uploads sent to the S3 store while they arrive, in parts, under a staging key.

Without this a large upload is received completely (to a temporary file) and only then sent
to the store: two passes one after the other. With it, parts go up while the rest of the body
is still arriving; once the SHA-256 is known the staged object is copied server-side to its
content address. Memory stays bounded by the part size times the queue depth.
"""

import logging
import queue
import threading
import uuid
from typing import Any

logger = logging.getLogger(__name__)

STAGING_PREFIX = "staging/"
# Memory held: the part being filled, one waiting, and one per sender in flight (42 MiB).
PART_BYTES = 6 * 1024 * 1024
SENDERS = 5


class StagedUpload:
    """A multipart upload fed chunk by chunk; `finish()` returns the staging key."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket
        self.key = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        self.upload_id = client.create_multipart_upload(Bucket=bucket, Key=self.key)["UploadId"]
        self.pieces: list[bytes] = []  # the part being filled
        self.filled = 0
        self.next_part = 1
        self.etags: dict[int, str] = {}
        self.error: BaseException | None = None
        # The queue bound makes the receiving side wait for a sender: memory stays flat.
        self.parts: queue.Queue[tuple[int, bytes] | None] = queue.Queue(maxsize=1)
        self.senders = [
            threading.Thread(target=self._send, name=f"staged-upload-{n}", daemon=True)
            for n in range(SENDERS)
        ]
        for sender in self.senders:
            sender.start()

    def write(self, data: bytes) -> None:
        if self.error is not None:
            return  # the upload is refused once the body is in (nothing is stored)
        self.pieces.append(data)
        self.filled += len(data)
        if self.filled < PART_BYTES:
            return
        # One join per part; the rest starts the next. When the chunks fill the part exactly
        # (1 MiB chunks, 6 MiB parts) the slice is the joined bytes themselves: CPython returns
        # the same object for a full slice of bytes, so no second copy is made.
        joined = b"".join(self.pieces)
        self.pieces.clear()
        offset = 0
        while len(joined) - offset >= PART_BYTES:
            self._queue(joined[offset : offset + PART_BYTES])
            offset += PART_BYTES
        rest = joined[offset:]
        self.filled = len(rest)
        if rest:
            self.pieces.append(rest)

    def _queue(self, body: bytes) -> None:
        self.parts.put((self.next_part, body))
        self.next_part += 1

    def _send(self) -> None:
        while (item := self.parts.get()) is not None:
            number, body = item
            if self.error is not None:
                continue
            try:
                answer = self.client.upload_part(
                    Bucket=self.bucket,
                    Key=self.key,
                    PartNumber=number,
                    UploadId=self.upload_id,
                    Body=body,
                )
                self.etags[number] = answer["ETag"]
            except Exception as error:
                self.error = error

    def _stop_senders(self) -> None:
        for _ in self.senders:
            self.parts.put(None)
        for sender in self.senders:
            sender.join()

    def finish(self) -> str | None:
        """Send the rest and complete; None (and nothing left behind) if anything failed."""
        if self.pieces and self.error is None:
            self._queue(b"".join(self.pieces))
            self.pieces.clear()
        self._stop_senders()
        if self.error is not None or not self.etags:
            logger.warning(
                "staged upload %s failed (%s); the upload is refused", self.key, self.error
            )
            self.abort()
            return None
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={
                "Parts": [
                    {"PartNumber": number, "ETag": etag}
                    for number, etag in sorted(self.etags.items())
                ]
            },
        )
        return self.key

    def abort(self) -> None:
        if any(sender.is_alive() for sender in self.senders):
            self.error = self.error or RuntimeError("aborted")
            self._stop_senders()
        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
            )
        except Exception:
            logger.exception("could not abort staged upload %s", self.key)
