"""Pictures (PNG, JPEG, TIFF pages) and PDFs made only of pictures read by Tesseract itself.

A picture, or a scanner's PDF whose every page is a picture, needs none of what OCRmyPDF adds
around Tesseract for mixed PDFs (grafting text layers onto kept pages), so it goes to
Tesseract directly, in one run for all of its pages (a PDF's pages drawn by `pdftoppm` first),
with the same care:

- skew: each page's skew is found on a small copy (`straightening_angle`), and a page turned
  by a few degrees is straightened before it is read;
- rotation: Tesseract reads with orientation detection (`--psm 1`), so a page lying on its
  side or upside down is read upright in the same pass; its hOCR says by how much the text was
  turned, and the searchable PDF's page is turned back (`/Rotate`) to show upright;
- limits: the pixel and page checks run first; the deadline covers the straightening (one
  page in memory at a time) and Tesseract, which runs in its own process group and is killed
  with everything it started when the time is up.
"""

import re
import shutil
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence
from pypdf import PdfReader, PdfWriter

from repository.ocr import (
    DEFAULT_DPI,
    OcrFailed,
    OcrLimits,
    check_image,
    check_pdf,
    last_line,
    picture_dpi,
    run_tool,
)

# A skew is looked for up to this many degrees either way; smaller ones are left as they are.
MAX_SKEW_DEGREES = 6.0
MIN_SKEW_DEGREES = 0.2
_SKEW_SIDE = 1000  # the long side of the small copy the skew is measured on
_PAGE = re.compile(r"class=['\"]ocr_page['\"]")
_TEXT_ANGLE = re.compile(r"textangle (\d+)")


def tesseract_program() -> str | None:
    return shutil.which("tesseract")


def straightening_angle(page: Image.Image) -> float:
    """The turn (degrees, counter-clockwise) that makes the page's lines of text level.

    The page's dark pixels are turned through candidate angles; the angle at which the rows (or
    the columns, for a page lying on its side) of ink change most sharply from one to the next
    is the one at which the lines lie level. Coarse steps first, then tenths of a degree.
    """
    grey = page.convert("L")
    scale = _SKEW_SIDE / max(grey.size)
    if scale < 1:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float32)
    ink = Image.fromarray(((pixels < pixels.mean() - pixels.std()) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        turned = np.asarray(
            ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32
        )
        rows = np.diff(turned.sum(axis=1))
        columns = np.diff(turned.sum(axis=0))
        return max(float(np.square(rows).sum()), float(np.square(columns).sum()))

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5)
    best = float(max(coarse, key=sharpness))
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    return round(float(max(fine, key=sharpness)), 1)


def _prepared(path: str, folder: Path, deadline: float) -> tuple[Path, int]:
    """What Tesseract reads: the original when no page needs straightening, else a list of
    page files (one page in memory at a time); and the picture's resolution."""
    with Image.open(path) as picture:
        dpi = picture_dpi(picture)
        angles = []
        for frame in ImageSequence.Iterator(picture):
            _in_time(deadline)
            angles.append(straightening_angle(frame))
        if all(abs(angle) < MIN_SKEW_DEGREES for angle in angles):
            return Path(path), dpi
        jpeg = len(angles) == 1 and picture.format == "JPEG"
        names = []
        for number, (frame, angle) in enumerate(
            zip(ImageSequence.Iterator(picture), angles, strict=True)
        ):
            _in_time(deadline)
            page = _turned(frame, angle)
            if jpeg:  # a photograph stays a JPEG, which Tesseract puts into the PDF as it is
                name = folder / "page-1.jpg"
                page.save(name, "JPEG", quality=90, dpi=(dpi, dpi))
            else:
                name = folder / f"page-{number + 1}.tiff"
                page.save(name, "TIFF", compression="packbits", dpi=(dpi, dpi))
            names.append(str(name))
    pages = folder / "pages.txt"
    pages.write_text("\n".join(names) + "\n", "utf-8")
    return pages, dpi


def _turned(frame: Image.Image, angle: float) -> Image.Image:
    page = frame if frame.mode in ("1", "L", "RGB") else frame.convert("RGB")
    if abs(angle) < MIN_SKEW_DEGREES:
        return page
    page = page if page.mode != "1" else page.convert("L")
    white = 255 if page.mode == "L" else (255, 255, 255)
    return page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=white)


def _in_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise OcrFailed("OCR took longer than its time limit and was stopped")


def read_picture(path: str, target_pdf: Path, limits: OcrLimits) -> str:
    """The picture's text, read by Tesseract; its searchable PDF is written to `target_pdf`."""
    program = _program()
    deadline = time.monotonic() + limits.timeout_seconds
    check_image(path, limits)
    folder = target_pdf.parent
    source, dpi = _prepared(path, folder, deadline) if limits.deskew else (Path(path), 0)
    return _read(program, source, dpi, target_pdf, limits, deadline)


def read_scanned_pdf(path: str, target_pdf: Path, limits: OcrLimits) -> str:
    """A PDF whose every page is a picture (a scanner's PDF): its pages drawn by poppler's
    `pdftoppm` at 300 dpi (less for pages so large they would pass the pixel limit) and read
    as pictures; the searchable PDF is made of those pictures, the original left as it is."""
    program = _program()
    deadline = time.monotonic() + limits.timeout_seconds
    pages = check_pdf(path, limits)
    dpi = _drawing_dpi(path, limits)
    folder = target_pdf.parent
    drawn = folder / "drawn"
    draw = ["pdftoppm", "-r", str(dpi), "-jpeg", "-jpegopt", "quality=90", path, str(drawn)]
    _run(draw, limits, deadline)
    # pdftoppm pads the page numbers to one width, so the names sort in page order.
    files = sorted(folder.glob("drawn-*.jpg"))
    if len(files) != pages:
        raise OcrFailed(f"{len(files)} of the PDF's {pages} pages could be drawn")
    for file in files if limits.deskew else []:
        _in_time(deadline)
        with Image.open(file) as page:
            angle = straightening_angle(page)
            level = _turned(page, angle) if abs(angle) >= MIN_SKEW_DEGREES else None
        if level is not None:
            level.save(file, "JPEG", quality=90, dpi=(dpi, dpi))
    listing = folder / "pages.txt"
    listing.write_text("".join(f"{file}\n" for file in files), "utf-8")
    return _read(program, listing, dpi, target_pdf, limits, deadline)


def _drawing_dpi(path: str, limits: OcrLimits) -> int:
    reader = PdfReader(path, strict=False)
    largest = max(abs(float(page.mediabox.width * page.mediabox.height)) for page in reader.pages)
    square_inches = max(largest / (72 * 72), 1.0)
    return max(1, min(DEFAULT_DPI, int((limits.max_pixels / square_inches) ** 0.5)))


def _program() -> str:
    program = tesseract_program()
    if program is None:
        raise OcrFailed("OCR is not installed on the server (tesseract)")
    return program


def _read(
    program: str, source: Path, dpi: int, target_pdf: Path, limits: OcrLimits, deadline: float
) -> str:
    """Tesseract over `source` (a picture or a list of page files): its text; the searchable
    PDF, pages turned upright, written to `target_pdf`."""
    output = target_pdf.parent / "tesseract"
    command = [
        program,
        str(source),
        str(output),
        "-l",
        limits.languages,
        "--psm",
        "1" if limits.rotate_pages else "3",
        *(["--dpi", str(dpi)] if dpi else []),
        "txt",
        "pdf",
        *(["hocr"] if limits.rotate_pages else []),
    ]
    _run(command, limits, deadline)
    text_file, pdf_file = output.with_suffix(".txt"), output.with_suffix(".pdf")
    if not text_file.exists() or not pdf_file.exists():
        raise OcrFailed("tesseract wrote no output")
    hocr = output.with_suffix(".hocr")
    turns = _page_turns(hocr.read_text("utf-8", "replace")) if hocr.exists() else []
    _turn_upright(pdf_file, target_pdf, turns)
    return text_file.read_text("utf-8", "replace").replace("\f", "\n")


def _run(command: list[str], limits: OcrLimits, deadline: float) -> None:
    returncode, errors = run_tool(command, deadline, limits)
    if returncode != 0:
        name = Path(command[0]).name
        raise OcrFailed(last_line(errors) or f"{name} exited with {returncode}")


def _page_turns(hocr: str) -> list[int]:
    """For each page, the angle its lines of text were turned by (most lines decide)."""
    turns = []
    for page in _PAGE.split(hocr)[1:]:
        angles = [int(angle) % 360 for angle in _TEXT_ANGLE.findall(page)]
        lines = page.count("ocr_line") + page.count("ocr_caption") + page.count("ocr_header")
        counts = {angle: angles.count(angle) for angle in set(angles)}
        counts[0] = max(0, lines - len(angles))  # a line without a textangle lies level
        turns.append(max(counts, key=lambda angle: counts[angle]))
    return turns


def _turn_upright(source: Path, target: Path, turns: list[int]) -> None:
    """The PDF with each page whose text lay turned shown turned back (`/Rotate`)."""
    if not any(turns):
        source.replace(target)
        return
    try:
        reader = PdfReader(source)
        writer = PdfWriter(clone_from=reader)
        for page, turn in zip(writer.pages, turns, strict=False):
            if turn in (90, 180, 270):
                page.rotate(turn)
        with target.open("wb") as handle:
            writer.write(handle)
    except Exception as error:  # pypdf raises many types; the file was Tesseract's own
        raise OcrFailed(f"the searchable PDF could not be turned upright: {error}") from error
