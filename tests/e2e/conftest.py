"""Browser journeys: Playwright (Python) driving Debian's Chromium against Django's live server.

Playwright cannot download its own browser here, so the launch points at /usr/bin/chromium (installed by
`make test` through `make browser`). A missing browser is an error, never a silent skip.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.reference_data import restore_reference_data

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make browser` (Debian package chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def shoot(request):
    """Save a full-page screenshot under test-results/screenshots/<test>-<name>.png (kept as CI artefacts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Every journey starts with the municipalities, directions and rule sets the migrations load."""
    restore_reference_data()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Fail when axe-core reports a serious or critical violation on the current page."""

    def _check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in bad
        )
        assert not bad, f"axe-core violations on {page.url}:\n{details}"

    return _check


@pytest.fixture
def no_external_requests(page, live_server):
    """Record every request the page makes that does not go to the live server (the site must be self-contained)."""
    outside: list[str] = []

    def _on_request(req):
        url = req.url
        if not (url.startswith(live_server.url) or url.startswith("data:") or url.startswith("blob:")):
            outside.append(url)

    page.on("request", _on_request)
    return outside
