"""Blob storage backends, used only through `django.core.files.storage.storages["blobs"]`.

Both are content-addressed: a name is derived from the bytes' SHA-256, so saving a name that
exists may simply overwrite it with the same bytes.
"""

import base64
import hashlib
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible

from repository.staging import StagedUpload

# Up to this size a blob is sent in one PUT from memory, verified by the store (Content-MD5).
_SINGLE_PUT_BYTES = 8 * 1024 * 1024
# Ranged reads of a staged upload come in pieces of this size (memory stays flat).
_RANGE_CHUNK_BYTES = 1024 * 1024
# Multipart parts of 16 MiB, 4 at a time, read from disk part by part.
_TRANSFER = TransferConfig(
    multipart_threshold=64 * 1024 * 1024,
    multipart_chunksize=16 * 1024 * 1024,
    max_concurrency=4,
    use_threads=True,
)


@deconstructible
class FolderBlobStorage(FileSystemStorage):
    """Blobs in a folder of the data dir (embedded mode)."""

    def __init__(self, location: str, **kwargs: Any) -> None:
        super().__init__(location=location, allow_overwrite=True, **kwargs)

    def touch(self, name: str) -> None:
        """Refresh the modified time so `gc_blobs` sees the blob as young again."""
        os.utime(self.path(name))

    def put_blob(self, name: str, content: Any, size: int) -> int:
        """Store content-addressed bytes once; return the size now stored under `name`."""
        if self.exists(name) and self.size(name) == size:
            # Re-used bytes: make the blob young again so a concurrent gc_blobs keeps it.
            self.touch(name)
        else:
            self.save(name, content)
        return self.size(name)

    def check_available(self) -> None:
        from pathlib import Path

        root = Path(self.location)
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".probe"
        probe.write_bytes(b"ok")
        probe.unlink()

    def iter_blobs(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        from pathlib import Path

        root = Path(self.location)
        base = root / prefix if prefix else root
        if not base.exists():
            return
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                name = path.relative_to(root).as_posix()
                yield name, self.get_modified_time(name)


@deconstructible
class S3BlobStorage(Storage):
    """A thin boto3 backend for any S3-compatible store (path-style addressing)."""

    def __init__(self, endpoint_url: str, bucket: str, region: str = "us-east-1") -> None:
        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                # Ceph and other S3-compatible stores do not all accept the newer
                # CRC checksum trailers that recent boto3 sends by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _save(self, name: str, content: Any) -> str:
        path = _local_path(content)
        if path is not None:
            # From a path, the transfer reads each part from disk as it sends it; from a file
            # object it would hold up to ten parts (160 MiB) in memory.
            self.client.upload_file(path, self.bucket, name, Config=_TRANSFER)
        else:
            content.seek(0)
            self.client.upload_fileobj(content, self.bucket, name, Config=_TRANSFER)
        return name

    def begin_staged(self) -> StagedUpload:
        return StagedUpload(self.client, self.bucket)

    def read_staged_range(self, staged_key: str, start: int, stop: int) -> Iterator[bytes]:
        """Bytes `start` to `stop` (exclusive) of a staged upload, in chunks: one ranged GET."""
        body = self.client.get_object(
            Bucket=self.bucket, Key=staged_key, Range=f"bytes={start}-{stop - 1}"
        )["Body"]
        received = 0
        for chunk in body.iter_chunks(_RANGE_CHUNK_BYTES):
            received += len(chunk)
            yield chunk
        if received != stop - start:
            raise OSError(f"{staged_key}: read {received} bytes of {start}-{stop}")

    def discard_staged(self, staged_key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=staged_key)

    def adopt_staged(self, staged_key: str, name: str, size: int) -> int:
        """Move a staged upload to its content address (a server-side copy); return its size."""
        if not (self.exists(name) and self.size(name) == size):
            self.client.copy_object(
                Bucket=self.bucket, Key=name, CopySource={"Bucket": self.bucket, "Key": staged_key}
            )
        else:
            self.touch(name)
        self.discard_staged(staged_key)
        return self.size(name)

    def put_blob(self, name: str, content: Any, size: int) -> int:
        """Store content-addressed bytes; return the size now stored under `name`.

        Small blobs go up in one PUT with Content-MD5, which the store verifies; writing the
        same bytes again is harmless and refreshes the blob's age for gc_blobs. Large blobs are
        not sent again when the store has them already.
        """
        if size <= _SINGLE_PUT_BYTES:
            content.seek(0)
            body = content.read()
            digest = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
            self.client.put_object(
                Bucket=self.bucket, Key=name, Body=body, ContentLength=size, ContentMD5=digest
            )
            return len(body)
        if self.exists(name) and self.size(name) == size:
            self.touch(name)
        else:
            self._save(name, content)
        return self.size(name)

    def _open(self, name: str, mode: str = "rb") -> File:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=name)["Body"]
        except ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(name) from error
            raise
        return File(body, name)  # type: ignore[arg-type]

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    def size(self, name: str) -> int:
        return int(self.client.head_object(Bucket=self.bucket, Key=name)["ContentLength"])

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)

    def get_modified_time(self, name: str) -> datetime:
        head = self.client.head_object(Bucket=self.bucket, Key=name)
        modified: datetime = head["LastModified"]
        return modified

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.rstrip('/')}/" if path else ""
        directories: list[str] = []
        files: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            directories += [
                p["Prefix"][len(prefix) :].rstrip("/") for p in page.get("CommonPrefixes", [])
            ]
            files += [o["Key"][len(prefix) :] for o in page.get("Contents", [])]
        return directories, files

    def iter_blobs(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"], item["LastModified"]

    def touch(self, name: str) -> None:
        """Refresh LastModified (a copy onto itself) so `gc_blobs` sees the blob as young."""
        self.client.copy_object(
            Bucket=self.bucket,
            Key=name,
            CopySource={"Bucket": self.bucket, "Key": name},
            MetadataDirective="REPLACE",
        )

    def check_available(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Blobs are served through the API, never by URL.")


def _local_path(content: Any) -> str | None:
    for candidate in (content, getattr(content, "file", None)):
        getter = getattr(candidate, "temporary_file_path", None)
        if getter is not None:
            return str(getter())
    return None


def _is_missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}
