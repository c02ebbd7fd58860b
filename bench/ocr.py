"""OCR benchmark: known text rendered into 300-dpi page images, read back by Kontor's OCR and
by the bare `tesseract` command on the same pages; character error rate and pages per minute.

Pages: short business letters in English, German and Russian (six lines, five times over in
turned order: thirty lines a page), drawn with DejaVu Sans at about 11 pt on a white A4 page at
300 dpi, each clean and degraded (Gaussian noise, a slight
blur, turned by a few degrees). Ours is what the worker runs on an uploaded picture, without
the database and blob store (repository.tesseract.read_picture): the pixel checks, the skew
found and straightened, Tesseract with orientation detection writing text, a searchable PDF and
hOCR, and the PDF's pages turned upright, with the languages of KONTOR_OCR_LANGUAGES (default
all seven). Bare is `tesseract page.png out -l <the same languages> txt pdf`: the same text and
searchable PDF, without the straightening and turning. A third side reads the same page as an
image-only PDF, as the worker does a scanner's PDF: the page drawn at 300 dpi by `pdftoppm`,
then as a picture. All run one page at a time on one core (OMP_THREAD_LIMIT=1),
in rotating order; each side's clock stops when its text is in hand.

The character error rate is the Levenshtein distance between the text read and the text drawn,
with runs of white space made one space, divided by the length of the text drawn.

    .venv/bin/python bench/ocr.py [--pages 2] [--languages eng+deu+rus+fra+spa+ita+por]

Targets: CER at most 2 % on clean pages and 5 % on degraded ones; OCR time at most 1.3x bare.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, RatioTable, print_table
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(ROOT))
from repository.ocr import OcrLimits
from repository.tesseract import read_picture, read_scanned_pdf

DPI = 300
PAGE = (2480, 3508)  # an A4 sheet at 300 dpi
BLOCKS = 5  # the letter's six lines, five times over (in turn order): a page of 30 lines
FONT_PIXELS = 46  # about 11 pt at 300 dpi
SIDES = ("ours", "pdf", "bare")

LETTERS = {
    "en": [
        "Dear Mr Harrison, thank you for your order of 12 March.",
        "We confirm delivery of forty office chairs to your warehouse",
        "in Leeds before the end of the month. The invoice number is",
        "2026-0417 and the total amount is 8,340.00 pounds, payable",
        "within thirty days. Please call our sales office if anything",
        "is missing or damaged on arrival. Kind regards, Laura Bennett",
    ],
    "de": [
        "Sehr geehrte Frau Schäfer, vielen Dank für Ihre Anfrage.",
        "Wir bestätigen die Lieferung von zwölf Schreibtischen an Ihr",
        "Büro in Köln bis zum Ende des Monats. Die Rechnungsnummer",
        "lautet 2026-0418, der Gesamtbetrag beträgt 5.912,50 Euro und",
        "ist innerhalb von dreißig Tagen fällig. Bei Fragen wenden Sie",
        "sich bitte an unseren Vertrieb. Mit freundlichen Grüßen",
    ],
    "ru": [
        "Уважаемый Иван Петрович, благодарим Вас за заказ.",
        "Подтверждаем поставку двадцати книжных шкафов на Ваш склад",
        "в Казани до конца месяца. Номер счёта 2026-0419, общая сумма",
        "составляет 412 500 рублей и подлежит оплате в течение",
        "тридцати дней. Если что-то повреждено при доставке, просим",
        "сообщить в отдел продаж. С уважением, Мария Соколова",
    ],
}


def render(lines: list[str], *, degraded: bool, seed: int) -> Image.Image:
    page = Image.new("L", PAGE, 255)
    font = ImageFont.truetype("DejaVuSans.ttf", FONT_PIXELS)  # fonts-dejavu-core
    drawing = ImageDraw.Draw(page)
    for row, line in enumerate(lines):
        drawing.text((160, 160 + row * 104), line, font=font, fill=0)
    if not degraded:
        return page
    rng = random.Random(seed)
    angle = rng.choice((-3.0, -2.0, 2.0, 3.0))
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    # Gaussian noise around mid-grey, blended in: a grey, speckled scan of lower contrast.
    noise = Image.effect_noise(page.size, 64)
    return Image.blend(page, noise, 0.2)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cer(read: str, drawn: str) -> float:
    reference = normal(drawn)
    return Levenshtein.distance(normal(read), reference) / max(1, len(reference))


def ours(path: Path, folder: Path, limits: OcrLimits) -> str:
    return read_picture(str(path), folder / "searchable.pdf", limits)


def scanned_pdf(scan: Path, folder: Path, limits: OcrLimits) -> str:
    return read_scanned_pdf(str(scan), folder / "searchable.pdf", limits)


def bare(path: Path, folder: Path, languages: str) -> str:
    output = folder / "bare"
    subprocess.run(
        ["tesseract", str(path), str(output), "-l", languages, "txt", "pdf"],
        capture_output=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return output.with_suffix(".txt").read_text("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per language and condition")
    parser.add_argument(
        "--languages",
        default=os.environ.get("KONTOR_OCR_LANGUAGES", "eng+deu+rus+fra+spa+ita+por"),
    )
    options = parser.parse_args()
    limits = OcrLimits(languages=options.languages)
    rows = []
    totals: dict[str, dict[str, list[float]]] = {
        side: {"clean": [], "degraded": [], "seconds": []} for side in SIDES
    }
    with tempfile.TemporaryDirectory(prefix="kontor-bench-ocr-") as folder_name:
        folder = Path(folder_name)
        turn = 0
        for language, letter in LETTERS.items():
            for condition in ("clean", "degraded"):
                for number in range(options.pages):
                    lines = [
                        line
                        for block in range(BLOCKS)
                        for line in letter[(number + block) % 6 :] + letter[: (number + block) % 6]
                    ]
                    picture = render(lines, degraded=condition == "degraded", seed=number)
                    path = folder / f"{language}-{condition}-{number}.png"
                    picture.save(path, dpi=(DPI, DPI))
                    scan = folder / f"{language}-{condition}-{number}.pdf"
                    picture.save(scan, "PDF", resolution=DPI)
                    drawn = "\n".join(lines)
                    order = SIDES[turn % 3 :] + SIDES[: turn % 3]
                    turn += 1
                    figures = {}
                    for side in order:
                        work = Path(tempfile.mkdtemp(dir=folder))
                        started = time.perf_counter()
                        if side == "bare":
                            read = bare(path, work, options.languages)
                        elif side == "ours":
                            read = ours(path, work, limits)
                        else:
                            read = scanned_pdf(scan, work, limits)
                        seconds = time.perf_counter() - started
                        figures[side] = cer(read, drawn)
                        totals[side][condition].append(figures[side])
                        totals[side]["seconds"].append(seconds)
                    rows.append(
                        [
                            f"{language} {condition} {number + 1}",
                            figures["ours"] * 100,
                            figures["pdf"] * 100,
                            figures["bare"] * 100,
                        ]
                    )
    print(f"languages: {options.languages}")
    print_table(
        ["page", "CER ours %", "CER scanned PDF %", "CER bare %"],
        rows,
        "Character error rate per page",
    )
    table = RatioTable("OCR of a picture: Kontor beside bare tesseract, same pages")
    for condition, target in (("clean", 2.0), ("degraded", 5.0)):
        mine = _mean(totals["ours"][condition]) * 100
        theirs = _mean(totals["bare"][condition]) * 100
        table.row(f"CER {condition} %", mine, theirs, f"<= {target:g} %", mine <= target)
    per_minute = {
        side: 60 * len(values["seconds"]) / sum(values["seconds"])
        for side, values in totals.items()
    }
    table.row("pages per minute", per_minute["ours"], per_minute["bare"])
    overhead = per_minute["bare"] / per_minute["ours"]
    table.row(
        "seconds per page",
        60 / per_minute["ours"],
        60 / per_minute["bare"],
        "<= 1.3x",
        overhead <= 1.3,
    )
    table.row(
        "seconds per page, as an image-only PDF",
        60 / per_minute["pdf"],
        60 / per_minute["bare"],
    )
    table.print()


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":
    main()
