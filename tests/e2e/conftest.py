"""A real Chromium (Debian's package) driven by Playwright against the live test server."""

import io
import os
import shutil

import pytest
from django.core.management import call_command

from objectives.demo import DEFAULT_DEMO_PASSWORD
from tests.personas import DEMO_LOGINS

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    # Playwright's sync API keeps an event loop in the test thread while the browser lives;
    # the ORM calls of the tests (building data, checking it, flushing) are synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A page under the site's Content-Security-Policy: a violation fails the test, so that a
    page of ours, the admin's or a library's that needs an inline script is found."""
    context = browser.new_context(locale="it-IT", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], "CSP violations in the browser console"


@pytest.fixture
def demo_site(transactional_db, live_server, monkeypatch):
    """The live server with the demo loaded; returns a function that logs a user in."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=io.StringIO())

    def login(page, username: str) -> None:
        username = DEMO_LOGINS.get(username, username)  # a persona's name, or a demo username
        page.goto(f"{live_server.url}/accesso/")
        page.get_by_label("Nome utente").fill(username)
        page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
        page.get_by_role("button", name="Accedi").click()
        page.wait_for_url(f"{live_server.url}/")

    login.url = live_server.url
    return login
