"""Pictures of a version's pages: a first-page thumbnail and page previews, kept as renditions.

PDFs are drawn by poppler's `pdftoppm`, pictures from the searchable PDF their OCR made
(straightened, upright) or, when OCR made none, by PIL (after the same pixel and page checks
as OCR), office files are first printed to PDF by LibreOffice (the print form's converter,
one conversion at a time), and that PDF is kept as a rendition too, so the next page does not
start LibreOffice again. Each picture is a PNG stored by hash like a version's bytes.
"""

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, ImageSequence

from repository.blobs import local_copy
from repository.extraction import filetypes
from repository.models import Rendition, RenditionKind, RenditionStatus, Version
from repository.ocr import IMAGE_TYPES, PDF, OcrRefused, check_image, check_pdf
from repository.scanning import keep_rendition, limits, retry_when_locked
from templating.printing import PrintUnavailable, office_to_pdf

THUMBNAIL_PIXELS = 240
PREVIEW_PIXELS = 1200
PNG = "image/png"
_RENDER_SECONDS = 60.0

OFFICE_TYPES = {
    filetypes.DOCX: ".docx",
    filetypes.ODT: ".odt",
    filetypes.RTF: ".rtf",
    "application/msword": ".doc",
}


class PreviewRefused(Exception):
    """No picture can be made of this page of this file."""


def can_preview(mime_type: str) -> bool:
    return mime_type == PDF or mime_type in IMAGE_TYPES or mime_type in OFFICE_TYPES


def make_picture(rendition_id: int) -> str:
    """Draw the rendition's page and store it; a refusal is recorded on the rendition."""
    rendition = Rendition.objects.select_related("version").filter(pk=rendition_id).first()
    if rendition is None or rendition.status != RenditionStatus.PENDING:
        return "skipped"
    pixels = THUMBNAIL_PIXELS if rendition.kind == RenditionKind.THUMBNAIL else PREVIEW_PIXELS
    try:
        with tempfile.TemporaryDirectory(prefix="kontor-preview-") as folder:
            target = Path(folder) / "page.png"
            _draw(rendition.version, max(1, rendition.page), pixels, target, Path(folder))
            keep_rendition(rendition.version, rendition.kind, rendition.page, target, PNG)
    except (PreviewRefused, OcrRefused, PrintUnavailable) as error:
        reason = str(error)[:500]
        retry_when_locked(
            lambda: Rendition.objects.filter(pk=rendition.pk).update(
                status=RenditionStatus.FAILED, error=reason
            )
        )
        return "failed"
    return "done"


def _draw(version: Version, page: int, pixels: int, target: Path, folder: Path) -> None:
    if version.mime_type in IMAGE_TYPES:
        searchable = Rendition.objects.filter(
            version=version, kind=RenditionKind.SEARCHABLE_PDF, status=RenditionStatus.DONE
        ).first()
        # OCR's PDF shows the pages straightened and upright; the picture itself as it came.
        with local_copy((searchable or version).sha256) as path:
            if searchable is not None:
                _draw_pdf(path, page, pixels, target, folder)
            else:
                _draw_image(path, page, pixels, target)
        return
    if version.mime_type == PDF:
        with local_copy(version.sha256) as path:
            _draw_pdf(path, page, pixels, target, folder)
        return
    if version.mime_type in OFFICE_TYPES:
        printed = _office_pdf(version, folder)
        _draw_pdf(str(printed), page, pixels, target, folder)
        return
    raise PreviewRefused(f"no preview is made of {version.mime_type}")


def _draw_image(path: str, page: int, pixels: int, target: Path) -> None:
    frames = check_image(path, limits())
    if page > frames:
        raise PreviewRefused(f"the picture has {frames} page(s)")
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number == page:
                # A photograph's camera may say how it was held: shown as the camera meant.
                picture = ImageOps.exif_transpose(frame).convert("RGB")
                picture.thumbnail((pixels, pixels))
                picture.save(target, "PNG", optimize=True)
                return


def _draw_pdf(path: str, page: int, pixels: int, target: Path, folder: Path) -> None:
    pages = check_pdf(path, limits())
    if page > pages:
        raise PreviewRefused(f"the PDF has {pages} page(s)")
    stem = folder / "drawn"
    command = [
        "pdftoppm",
        "-png",
        "-singlefile",
        "-f",
        str(page),
        "-l",
        str(page),
        "-scale-to",
        str(pixels),
        path,
        str(stem),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=_RENDER_SECONDS)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise PreviewRefused("drawing the page took too long") from error
    drawn = stem.with_suffix(".png")
    if process.returncode != 0 or not drawn.exists():
        raise PreviewRefused("the page could not be drawn")
    drawn.replace(target)


def _office_pdf(version: Version, folder: Path) -> Path:
    """The office file printed to PDF, made once and kept as a rendition."""
    printed = folder / "printed.pdf"
    kept = version.renditions.filter(
        kind=RenditionKind.OFFICE_PDF, status=RenditionStatus.DONE
    ).first()
    if kept is not None:
        with local_copy(kept.sha256) as path:
            printed.write_bytes(Path(path).read_bytes())
        return printed
    with local_copy(version.sha256) as path:
        data = Path(path).read_bytes()
    printed.write_bytes(office_to_pdf(data, OFFICE_TYPES[version.mime_type]))
    keep_rendition(version, RenditionKind.OFFICE_PDF, 0, printed, PDF)
    return printed


def picture_kind(page: int | None) -> tuple[str, int]:
    """The rendition kind and page of a thumbnail (no page) or a page preview."""
    return (RenditionKind.THUMBNAIL, 1) if page is None else (RenditionKind.PREVIEW, page)


def page_limit() -> int:
    """The highest page number a preview is drawn of (the OCR page cap)."""
    return int(settings.KONTOR_OCR_MAX_PAGES)
