"""What the journeys do often, the way a person does it (names from UI.md)."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

# Impacts that fail a page; "minor" and "moderate" findings are reported by axe but tolerated.
BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}
# The README's pictures: the top of the page, as far down as a long page's first screens.
SCREENSHOT_HEIGHT = 1300


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def check_accessibility(page: Page) -> None:
    """axe-core on the page as it stands: no serious or critical violation."""
    result = _axe.run(page)
    blocking = [
        violation
        for violation in result.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(
        f"- {violation['impact']} {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])}x, e.g. {violation['nodes'][0]['target']})"
        for violation in blocking
    )


def check_narrow_layout(page: Page) -> None:
    """At a phone's 390 px the page body never scrolls sideways (tables scroll in their box)."""
    page.set_viewport_size(NARROW)  # type: ignore[arg-type]
    try:
        overflow = page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at 390 px wide"
    finally:
        page.set_viewport_size(WIDE)  # type: ignore[arg-type]


def check_page(page: Page, name: str | None = None) -> None:
    """The checks every main page gets: axe at 1280 px, no sideways scroll at 390 px; and its
    picture for the README, when it has a name and KONTOR_SCREENSHOTS_DIR is set
    (`make screenshots`)."""
    check_accessibility(page)
    check_narrow_layout(page)
    folder = os.environ.get("KONTOR_SCREENSHOTS_DIR")
    if folder and name:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = min(page.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_HEIGHT)
        page.screenshot(
            path=str(Path(folder) / f"{name}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": WIDE["width"], "height": height},
        )


def search_until_found(page: Page, words: str, title: str, attempts: int = 40) -> None:
    """Search with the box labelled Search (the navigation's, or the search page's own) until
    `title` is among the results: indexing runs after the upload commits (in the request's
    thread in embedded mode, in the Celery worker in production)."""
    box = page.get_by_label("Search", exact=True)
    box.fill(words)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    result = page.get_by_role("link", name=title, exact=True)
    for _ in range(attempts):
        if result.count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(result).to_be_visible()
