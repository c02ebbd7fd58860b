"""Browser tests: Playwright drives Debian's Chromium headless against a live Kontor server.

The server is pytest-django's `live_server` (a thread of this process, on a free port) over
the test database; in embedded mode it shares the in-memory SQLite connection and runs the
in-process jobs (text extraction, the search outbox drain) after each commit, in production
mode the Celery worker started by the test command drains the outbox. Each test gets an empty
search index (tests/search/conftest.py) and a fresh browser context (cookies, storage).

Chromium is Debian's package (`make install` installs it): Playwright's own browser download
does not work everywhere Kontor is tested, and a missing browser fails every browser test with
what to run rather than skipping them. Deselect them with PYTEST_ARGS="-m 'not e2e'".
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.browser import WIDE
from tests.search.conftest import search_index  # noqa: F401 (an empty index for each test)

CHROMIUM = os.environ.get("KONTOR_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling home, and on a closed
# network those refused connections crowd out the page's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(settings.BASE_DIR) / "var" / "test-results" / "e2e"
# Actions and expectations wait this long for the page (Playwright's own default for
# expectations is shorter): on a busy machine a page that searches can take a while.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    """Playwright for one test module.

    Its event loop counts as running in this thread for as long as it is started, which makes
    Django refuse ORM calls from the test ("async context"); the tests call the ORM only
    between browser steps, never concurrently, so that check is lifted for the module only.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed ({CHROMIUM} is missing): run `make install`, which "
            "installs Debian's chromium package, or set KONTOR_CHROMIUM to a Chromium binary. "
            "To run the other tests without it: PYTEST_ARGS=\"-m 'not e2e'\".",
            pytrace=False,
        )
    # Playwright gives each launch a fresh, empty profile (--user-data-dir) of its own.
    launched = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so the page fixture knows whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def screenshot_name(nodeid: str) -> str:
    """`tests/e2e/test_x.py::test_y[a]` -> `test_x.py--test_y-a-.png`."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid.split("tests/e2e/")[-1]) + ".png"


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    created = browser.new_context(base_url=live_server.url, viewport=WIDE)  # type: ignore[arg-type]
    created.set_default_timeout(TIMEOUT_MS)
    yield created
    created.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A tab in a fresh context; its last picture is kept under var/test-results/e2e/ when the
    test failed."""
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(parents=True, exist_ok=True)
        target = RESULTS / screenshot_name(request.node.nodeid)
        try:
            opened.screenshot(path=str(target), full_page=True)
            print(f"\nscreenshot of the failed page: {target}")
        except Exception as error:  # the browser itself may be what failed
            print(f"\nno screenshot of the failed page: {error}")
