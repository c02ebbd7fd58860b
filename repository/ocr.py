"""OCR of scans: PDFs without a text layer made searchable by OCRmyPDF; the limits for all scans.

Pure tools, no records: a scan is checked against pixel and page limits before anything
decodes it whole (a small PNG can claim a gigapixel). OCRmyPDF (Tesseract) adds a PDF's text
layer with `--skip-text`, so pages that have text keep it and only the others are read; pictures
go to Tesseract directly (repository.tesseract). OCRmyPDF runs as a program in its own process
group under a deadline: a hung or slow Tesseract is killed with everything it started.

Two kinds of failure: `OcrRefused` (the file itself is the reason: too many pixels or pages,
encrypted, not a picture) is final; `OcrFailed` (a deadline, a crash) may pass on another try.
"""

import os
import re
import shutil
import signal
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence
from pypdf import PageObject, PdfReader

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})
PDF = "application/pdf"
DEFAULT_DPI = 300
_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")
# A page without this many characters of its own text is read by OCR.
MIN_PAGE_CHARACTERS = 20


class OcrRefused(Exception):
    """The file cannot be read by OCR, and trying again will not change that."""


class OcrFailed(Exception):
    """OCR did not finish this time (a deadline, a crash); another try may succeed."""


@dataclass(frozen=True)
class OcrLimits:
    languages: str = "eng+deu+rus+fra+spa+ita+por"
    max_pixels: int = 80_000_000  # per page: an A3 page at 600 dpi is about 70 megapixels
    max_pages: int = 500
    timeout_seconds: float = 900.0
    # Straighten skewed scans and turn pages upright: each costs a pass over the page.
    deskew: bool = True
    rotate_pages: bool = True


def is_scan_type(mime_type: str) -> bool:
    """Whether files of this type are pictures whose text only OCR can read."""
    return mime_type in IMAGE_TYPES


def ocrmypdf_program() -> str | None:
    return shutil.which("ocrmypdf")


def pages_without_text(path: str, limits: OcrLimits) -> int:
    """How many of a PDF's pages are pictures without text of their own (a blank page is not
    one); 0 when it cannot tell."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return 0
        scanned = 0
        for page in reader.pages[: limits.max_pages]:
            if (
                _has_picture(page)
                and len((page.extract_text() or "").strip()) < MIN_PAGE_CHARACTERS
            ):
                scanned += 1
        return scanned
    except Exception:  # pypdf raises many types on bad input; text extraction reports those
        return 0


def is_image_only(path: str, limits: OcrLimits) -> bool:
    """Whether every page of the PDF is a picture without text of its own (a scanner's PDF)."""
    try:
        pages = check_pdf(path, limits)
    except OcrRefused:
        return False
    return pages > 0 and pages_without_text(path, limits) == pages


def _has_picture(page: PageObject) -> bool:
    """Whether the page draws an image (an XObject of subtype /Image, or an inline image)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    objects = resources.get("/XObject") if hasattr(resources, "get") else None
    if objects is not None:
        for reference in objects.get_object().values():
            if reference.get_object().get("/Subtype") == "/Image":
                return True
    # Inline images (BI ... ID ... EI) live in the content stream itself.
    contents = page.get_contents()
    return contents is not None and _INLINE_IMAGE.search(contents.get_data()) is not None


def check_pdf(path: str, limits: OcrLimits) -> int:
    """The PDF's page count, refused past the page cap."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise OcrRefused("the PDF is encrypted")
        pages = len(reader.pages)
    except OcrRefused:
        raise
    except Exception as error:
        raise OcrRefused(f"not a readable PDF: {error}") from error
    if pages > limits.max_pages:
        raise OcrRefused(f"{pages} pages is more than OCR reads ({limits.max_pages})")
    return pages


def check_image(path: str, limits: OcrLimits) -> int:
    """The picture's frame count, after checking every frame's size against the pixel limit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = 0
                for frame in ImageSequence.Iterator(image):
                    frames += 1
                    if frames > limits.max_pages:
                        raise OcrRefused(
                            f"more than {limits.max_pages} pages is more than OCR reads"
                        )
                    _check_pixels(frame.width, frame.height, limits)
                return frames
    except OcrRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise OcrRefused(f"the picture is too large to read: {error}") from error
    except Exception as error:
        raise OcrRefused(f"not a readable picture: {error}") from error


def _check_pixels(width: int, height: int, limits: OcrLimits) -> None:
    if width * height > limits.max_pixels:
        raise OcrRefused(
            f"a page of {width}x{height} pixels is more than OCR reads ({limits.max_pixels} pixels)"
        )


def picture_dpi(image: Image.Image) -> int:
    """The picture's resolution, or 300 dpi when it says none or an implausibly low one."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    # Phone pictures often say 72 dpi, which would make Tesseract read giant letters.
    return value if value >= 100 else DEFAULT_DPI


def make_searchable(source_pdf: Path, target_pdf: Path, limits: OcrLimits) -> None:
    """OCRmyPDF over the PDF: deskewed, pages turned upright, text pages left as they are."""
    program = ocrmypdf_program()
    if program is None:
        raise OcrFailed("OCR is not installed on the server (ocrmypdf)")
    command = [
        program,
        "--skip-text",
        *(["--deskew"] if limits.deskew else []),
        *(["--rotate-pages"] if limits.rotate_pages else []),
        "--language",
        limits.languages,
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--jobs",
        "1",
        "--max-image-mpixels",
        str(max(1, limits.max_pixels // 1_000_000)),
        "--quiet",
        str(source_pdf),
        str(target_pdf),
    ]
    deadline = time.monotonic() + limits.timeout_seconds
    returncode, errors = run_tool(command, deadline, limits)
    if returncode == 0 and target_pdf.exists():
        return
    reason = last_line(errors) or f"ocrmypdf exited with {returncode}"
    # 2: bad input, 8: encrypted; both are properties of the file.
    if returncode in (2, 8):
        raise OcrRefused(reason)
    raise OcrFailed(reason)


def run_tool(command: list[str], deadline: float, limits: OcrLimits) -> tuple[int, bytes]:
    """Run an OCR tool on one core, in its own process group, killed with everything it
    started at the deadline; its exit code and what it wrote to stderr."""
    # One core per job: Tesseract's own threads would compete with the other jobs' cores.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OcrFailed(
            f"OCR took longer than {limits.timeout_seconds:g} s and was stopped"
        ) from error
    return process.returncode, errors


def last_line(errors: bytes) -> str:
    """The last line a tool wrote to stderr (its reason, as a rule), shortened."""
    lines = [line.strip() for line in errors.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1][:300] if lines else ""
