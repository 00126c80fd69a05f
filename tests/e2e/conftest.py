"""Browser (e2e) harness: Debian's Chromium driven by Playwright against
pytest-django's ``live_server``.

* One Chromium per test session (``browser``), one fresh context and page per
  test (``page``), so cookies never leak between actors.
* No ``playwright install``: we launch the system Chromium at
  ``$CHROMIUM_PATH`` (default ``/usr/bin/chromium``). When it is missing the
  tests SKIP with a loud banner, unless ``E2E_REQUIRED=1`` (CI), where they FAIL.
* ``live_server`` means a transactional database, flushed after every test
  (ours and any other ``transaction=True`` test). The role groups come from a
  data migration, so each e2e test re-creates them with ``roles_sync()`` (the
  same function the migration calls). A serialized rollback does not work here:
  after another transactional test's flush the content types come back with new
  ids and restoring the snapshot hits their unique constraint.
* ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while Chromium is up, and Chromium
  is stopped after the last e2e test (see ``_Chromium``): set at import it
  leaks into the ``manage.py check --deploy`` subprocess of
  tests/backoffice/core/test_settings.py, which then fails with async.E001.
* Every page runs under the product's Content-Security-Policy, and a test FAILS
  when the browser reports a violation (``_watch_csp``): the
  ``securitypolicyviolation`` events and Chromium's "Refused to ..." console
  errors are collected on ``page.csp_violations``; ``assert_no_csp_violations``
  checks them mid-test, and the ``page`` fixture checks them when the test ends.
* ``axe_check(page, name)`` runs axe-core (installed from the npm registry with
  ``npm ci --prefix tests/e2e``, pinned in tests/e2e/package-lock.json) on the
  page as it is now, with the WCAG 2.0/2.1/2.2 A and AA rules and best practices,
  and FAILS on any critical or serious violation. axe's source is handed to the
  page through ``page.evaluate`` (DevTools protocol, outside the page's CSP), so
  the CSP watch above still sees every violation the product would cause. When
  axe-core is not installed the axe tests SKIP with a banner (FAIL when
  ``E2E_REQUIRED=1``, as in CI).
* ``login()`` goes through the real login form (django-axes is on, so
  ``force_login`` cookies are not what a user does), and through the code step
  of two-factor sign-in for those who have an authenticator (superusers); ``shot()`` writes
  desktop and 375px-wide PNGs into ``<repo>/screenshots/``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.factories import PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
E2E_REQUIRED = os.environ.get("E2E_REQUIRED", "") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 375, "height": 812}
# Fail fast: every page here is local and small.
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "10000"))

_SKIP_REASON = (
    f"E2E TESTS SKIPPED: Chromium not found at {CHROMIUM!r}. "
    "Install it (sudo apt-get install chromium) or set CHROMIUM_PATH; "
    "set E2E_REQUIRED=1 to make this a failure."
)
_BANNER = "\n" + "=" * 78 + "\n  " + _SKIP_REASON + "\n" + "=" * 78 + "\n"
_skipped_for_missing_chromium = False


def _chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_missing_chromium:
        terminalreporter.write_line(_BANNER, red=True, bold=True)
    if _skipped_for_missing_axe:
        terminalreporter.write_line(_AXE_BANNER, red=True, bold=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so `page` can tell a failed test.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --- browser ------------------------------------------------------------------


class _Chromium:
    """One Playwright + Chromium, alive only while e2e tests run.

    While Playwright's sync API is up, an asyncio loop counts as running in
    this thread, and Django refuses every ORM call (the tests' own queries and
    the flush after each transactional test) unless DJANGO_ALLOW_ASYNC_UNSAFE
    is set. So the variable is set exactly while the browser is up, and the
    browser is stopped right after the last e2e test (see
    ``pytest_runtest_teardown``) instead of at the end of the session, when it
    would leak into later tests (``manage.py check --deploy`` in a subprocess
    fails with async.E001 when it sees the variable).
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self._saved_env = None

    @property
    def running(self) -> bool:
        return self.browser is not None

    def start(self):
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self.stop()
        from playwright.sync_api import sync_playwright

        self._saved_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        except Exception:
            self.stop()
            raise
        return self.browser

    def stop(self):
        if self.browser is not None:
            try:
                self.browser.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
            if self._saved_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._saved_env


_CHROMIUM = _Chromium()
_E2E_DIR = Path(__file__).resolve().parent


def _is_e2e(item) -> bool:
    return item is not None and _E2E_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's fixtures (and its database flush) are torn down here
    if _CHROMIUM.running and not _is_e2e(nextitem):
        _CHROMIUM.stop()


@pytest.fixture(scope="session")
def browser():
    """The session's Chromium (restarted if it was stopped between e2e tests)."""
    global _skipped_for_missing_chromium
    if not _chromium_available():
        if E2E_REQUIRED:
            pytest.fail(
                f"E2E_REQUIRED=1 but Chromium is missing at {CHROMIUM!r}", pytrace=False
            )
        _skipped_for_missing_chromium = True
        pytest.skip(_SKIP_REASON)

    # Failure screenshots are per run: drop the previous run's.
    for stale in (SCREENSHOTS / "failures").glob("*.png"):
        stale.unlink()
    yield _CHROMIUM.start()
    _CHROMIUM.stop()


@pytest.fixture(autouse=True)
def _e2e_database(browser, live_server, transactional_db):
    """Runs before the actor fixtures (manager, alice, ...) of every e2e test:
    the flush after the previous transactional test removed the role groups."""
    from backoffice.accounts.roles import roles_sync

    _CHROMIUM.start()  # no-op unless stopped since (sets DJANGO_ALLOW_ASYNC_UNSAFE)
    roles_sync()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) on the live server, desktop-sized."""
    context = _CHROMIUM.start().new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="en-GB", timezone_id="Asia/Kolkata"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # uncaught JS exceptions, for tests that care
    _watch_csp(page)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.passed:
        assert_no_csp_violations(page)
    if failed is not None and failed.failed:
        (SCREENSHOTS / "failures").mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(
                path=str(SCREENSHOTS / "failures" / f"{request.node.name}.png"), full_page=True
            )
        except Exception:  # noqa: BLE001 - a debugging aid must not mask the failure
            pass
    context.close()


# --- Content-Security-Policy violations ---------------------------------------

# Runs in every document before the page's own scripts (CDP injects it, outside
# the page's policy) and turns each violation into a console line we can read.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + JSON.stringify({
    directive: event.effectiveDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
    page: document.location.pathname,
  }));
}, true);
"""


def _watch_csp(page) -> None:
    violations: list[str] = []

    def on_console(message):
        text = message.text
        if text.startswith("CSP violation: ") or (
            message.type == "error" and "Content Security Policy" in text
        ):
            violations.append(text)

    page.csp_violations = violations
    page.add_init_script(_CSP_LISTENER)
    page.on("console", on_console)


def assert_no_csp_violations(page) -> None:
    """Fail when the browser reported any Content-Security-Policy violation so far."""
    try:  # a round trip: console events sent before it have arrived after it
        page.evaluate("() => 0")
    except Exception:  # noqa: BLE001 - page closed or navigating: nothing more to read
        pass
    assert not page.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(
        page.csp_violations
    )


# --- helpers --------------------------------------------------------------------


def login(page, live_server, username: str, password: str = PASSWORD,
          next_url: str = "/customers/customer/") -> None:
    """Log in through the real (unfold) login form and land on ``next_url``.

    The ``next`` parameter is what a user gets when they follow a link while
    logged out; a bare /login/ is covered separately (see test_theme.py).
    """
    page.goto(f"{live_server.url}/login/?next={quote(next_url)}")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    path = page.url.removeprefix(live_server.url)
    if path.startswith("/two-factor/code/"):
        # the second factor (superusers always): the code the person's app shows now
        two_factor_step(page, username)
        path = page.url.removeprefix(live_server.url)
    assert path.startswith(next_url), f"login as {username!r} ended on {path!r}"


def two_factor_step(page, username: str) -> None:
    """Type the code the person's authenticator app would show, on the code step."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import totp_code

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    form = page.locator("#two-factor-form")
    form.locator("input[name=code]").fill(totp_code(device))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 = fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def shot(page, name: str, *, full_page: bool = True, desktop_full_page: bool | None = None):
    """Save ``screenshots/<name>-desktop.png`` (1366x900) and ``<name>-mobile.png``
    (375x812); return the paths.

    The viewport is resized in place (so an open dialog stays open) and put back
    afterwards. ``desktop_full_page=False`` keeps the desktop capture to the
    viewport: on long change forms a full-page capture paints unfold's sticky
    save bar and the fixed sidebar at the old viewport height, mid-page.
    A page wider than its viewport is reported as a warning (a layout bug to
    look at), not a failure.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    written = []
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        # Let Alpine and the resize observers settle before the capture.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        overflow = horizontal_overflow(page)
        if overflow > 0:
            warnings.warn(
                f"{name}-{label}: the page is {overflow}px wider than the "
                f"{size['width']}px viewport (horizontal scrolling)",
                LayoutWarning,
                stacklevel=2,
            )
        whole = full_page if label == "mobile" or desktop_full_page is None else desktop_full_page
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=whole, animations="disabled")
        written.append(path)
    page.set_viewport_size(original)
    return written


class LayoutWarning(UserWarning):
    """A visual problem worth a look, found while taking screenshots."""


def success_message(page):
    """The success message (Django messages, level success): unfold's green alert,
    shown inline or inside the app's toast (templates/unfold/helpers/messages.html).
    Toasts fade after a few seconds, so assert on it straight after the action."""
    return page.locator("div.bg-green-100").filter(visible=True)


# --- axe-core ---------------------------------------------------------------------

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
AXE_BLOCKING = ("critical", "serious")
AXE_REPORT = SCREENSHOTS / "axe"
_AXE_SKIP_REASON = (
    f"AXE TESTS SKIPPED: axe-core is not installed at {str(AXE_JS)!r}. "
    "Run `npm ci --prefix tests/e2e` (make test does when npm is there); "
    "set E2E_REQUIRED=1 to make this a failure."
)
_AXE_BANNER = "\n" + "=" * 78 + "\n  " + _AXE_SKIP_REASON + "\n" + "=" * 78 + "\n"
_skipped_for_missing_axe = False


def _axe_source() -> str:
    global _skipped_for_missing_axe
    if not AXE_JS.is_file():
        if E2E_REQUIRED:
            pytest.fail(f"E2E_REQUIRED=1 but axe-core is missing at {str(AXE_JS)!r}",
                        pytrace=False)
        _skipped_for_missing_axe = True
        pytest.skip(_AXE_SKIP_REASON)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(page):
    """``axe(name)``: check the page as it is now (see ``axe_check``). Requesting
    the fixture skips (or fails in CI) up front when axe-core is missing."""
    _axe_source()
    return lambda name, **kwargs: axe_check(page, name, **kwargs)


def axe_run(page, *, include: str | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (all impacts), optionally only
    inside the CSS selector ``include``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A function expression: Playwright calls it through the DevTools
        # protocol, so neither the script nor the page's CSP is involved.
        page.evaluate("() => {\n" + _axe_source() + "\n;window.axe = axe;\n}")
    return page.evaluate(
        """async ([include, tags]) => {
            const results = await window.axe.run(include ? {include: [include]} : document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 300),
                                          summary: n.failureSummary})),
            }));
        }""",
        [include, AXE_TAGS],
    )


def axe_format(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}  {node['html'][:160]}")
    return "\n".join(lines)


def axe_check(page, name: str, *, include: str | None = None) -> list[dict]:
    """Run axe on the page as it is now; FAIL on any critical or serious violation.

    Usable on any page of any test: ``axe_check(page, "my-calls")`` (or the ``axe``
    fixture). The remaining (moderate, minor) violations are returned and written to
    ``screenshots/axe/<name>.txt`` to be listed in docs/accessibility.md.
    """
    violations = axe_run(page, include=include)
    AXE_REPORT.mkdir(parents=True, exist_ok=True)
    (AXE_REPORT / f"{name}.txt").write_text(
        f"{page.url}\n{axe_format(violations) or 'no violations'}\n", encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in AXE_BLOCKING]
    assert not blocking, f"axe-core on {name} ({page.url}):\n" + axe_format(blocking)
    return violations
