"""The browser benchmarks' preamble: the built pages `telefonist serve` serves, and a headless
Debian Chromium page to drive them (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
# The pages `telefonist serve` serves: web/dist, or a build made elsewhere (TELEFONIST_WEB_DIST).
DIST = Path(os.environ.get("TELEFONIST_WEB_DIST") or ROOT / "web" / "dist")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_built(page: str) -> None:
    """Stops the benchmark when the web build lacks `page` (e.g. "operator.html")."""
    if not (DIST / page).exists():
        raise SystemExit(f"{DIST} is missing: run `make web` first")


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A Swedish 1280×800 page in headless Chromium, closed with its browser on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 800}, locale="sv-SE")
        finally:
            browser.close()
