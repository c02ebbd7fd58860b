"""The print form: a filled .docx turned into PDF by headless LibreOffice.

One converter per server process, taken in turn: callers queue on a lock (waiting at most
`queue_seconds`, then 503 `busy`), and each conversion runs `soffice --convert-to pdf` under a
deadline with this process's own LibreOffice profile, kept between conversions (the profile is
built once; later starts reuse it). A long-lived `soffice --accept=...` driven over UNO would
save the start-up of each conversion but needs LibreOffice's own Python bindings inside our
virtualenv and a watchdog for a hung office; one short-lived office per conversion, serialised,
cannot leak state from one document into the next and dies with its deadline.
LibreOffice missing answers 503 `pdf_unavailable`.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from core.errors import Unavailable

_LOCK = threading.Lock()
_PROFILE: dict[int, Path] = {}


class PrintUnavailable(Unavailable):
    default_code = "pdf_unavailable"


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    configured = getattr(settings, "KONTOR_SOFFICE", "") or "soffice"
    return shutil.which(configured)


def _profile() -> Path:
    """This process's LibreOffice profile (a forked worker makes its own)."""
    pid = os.getpid()
    if pid not in _PROFILE:
        _PROFILE[pid] = Path(tempfile.mkdtemp(prefix="kontor-office-"))
    return _PROFILE[pid]


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF print form of a .docx; 503 when LibreOffice is missing, busy past the queue's
    wait or fails within its deadline."""
    return office_to_pdf(data, ".docx")


def office_to_pdf(data: bytes, suffix: str) -> bytes:
    """An office file (named by its suffix, e.g. ".odt") printed to PDF, as `docx_to_pdf`."""
    program = soffice()
    if program is None:
        raise PrintUnavailable(
            "PDF printing is unavailable: LibreOffice (soffice) is not installed on the server."
        )
    queue_seconds = float(getattr(settings, "KONTOR_PDF_QUEUE_SECONDS", 60))
    if not _LOCK.acquire(timeout=queue_seconds):
        raise PrintUnavailable("The PDF printer is busy; try again shortly.", code="pdf_busy")
    try:
        return _convert(program, data, suffix)
    finally:
        _LOCK.release()


def _convert(program: str, data: bytes, suffix: str) -> bytes:
    seconds = float(getattr(settings, "KONTOR_PDF_TIMEOUT_SECONDS", 60))
    with tempfile.TemporaryDirectory(prefix="kontor-print-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            folder,
            str(source),
        ]
        office = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
            env={**os.environ, "HOME": str(_profile())},
            start_new_session=True,  # its own process group: a timeout ends the whole office
        )
        try:
            office.wait(timeout=seconds)
        except subprocess.TimeoutExpired as error:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()
            raise PrintUnavailable(
                f"The PDF printer took longer than {seconds:g} s; nothing was printed."
            ) from error
        target = Path(folder) / "document.pdf"
        if not target.exists() or target.stat().st_size == 0:
            raise PrintUnavailable("The PDF printer failed on this document; nothing was printed.")
        return target.read_bytes()
