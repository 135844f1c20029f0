"""The pages in a real browser: headless Chromium from Debian, driven by Playwright.

Every page is opened from file:// with every request recorded (anything but file: and data: is
aborted and fails the test) and console errors collected. Screenshots at 1280x800 and 390x844
go to test-artifacts/preview/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from preview_support import PACKAGES, REPO, build, changed_tele2
from pbxconn.diff.compare import compare
from pbxconn.preview.diffpage import diff_page
from pbxconn.preview.model import Connector
from pbxconn.preview.page import load_package
from pbxconn.preview.render import render_diff, render_preview, search_text

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CORPUS_PAGES = ("certified-connectors/Pushcut", "certified-connectors/Spring Global")

COUNTS_JS = """() => Object.fromEntries(Array.from(document.querySelectorAll('details.card')).map(
    c => [c.id, [c.querySelectorAll('.input').length, c.querySelectorAll('.token').length]]))"""
VISIBLE_CARDS_JS = "() => Array.from(document.querySelectorAll('details.card')).filter(c => !c.hidden).map(c => c.id)"


class Tab:
    """One page in its own browser context, with what it requested and what it logged."""

    def __init__(self, chromium: Any, html: Path, viewport: dict) -> None:
        self.context = chromium.new_context(viewport=viewport)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(html.resolve().as_uri())

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def assert_offline_and_clean(self) -> None:
        assert self.errors == []
        assert [url for url in self.requests if not url.startswith(("file:", "data:"))] == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(chromium_browser) -> Iterator:
    opened: list[Tab] = []

    def open_tab(html: Path, viewport: dict = DESKTOP) -> Tab:
        opened.append(Tab(chromium_browser, html, viewport))
        return opened[-1]

    yield open_tab
    for each in opened:
        each.close()


@pytest.fixture(scope="session")
def pages(tmp_path_factory) -> dict[str, tuple[Path, Connector]]:
    """name -> (HTML file, view model) of our packages and of the corpus connectors present."""
    folders = {p.name: p for p in PACKAGES}
    for name in CORPUS_PAGES:
        folder = REPO.parent / "shared" / "corpus-sample" / name
        if folder.is_dir():
            folders[folder.name.replace(" ", "-")] = folder
    out = tmp_path_factory.mktemp("pages")
    built = {}
    for name, folder in folders.items():
        connector = build(folder, findings=True)
        html = out / f"{name}.html"
        html.write_text(render_preview(connector, folder.name), encoding="utf-8")
        built[name] = (html, connector)
    return built


PAGE_NAMES = [p.name for p in PACKAGES] + [n.split("/")[-1].replace(" ", "-") for n in CORPUS_PAGES]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_card_with_its_inputs_and_tokens(name: str, pages, tab, artifacts: Path) -> None:
    if name not in pages:
        pytest.skip(f"{name} is not in ../shared/corpus-sample")
    html, connector = pages[name]
    view = tab(html)
    counts = view.page.evaluate(COUNTS_JS)
    expected = {c.anchor: [len(c.shown_inputs) + len(c.more_inputs), len(c.tokens)] for c in connector.cards}
    assert counts == expected
    view.page.screenshot(path=str(artifacts / f"{name}-1280x800.png"))
    view.page.set_viewport_size(PHONE)
    view.page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    width = view.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "nothing is wider than a phone screen, even with every card open"
    view.page.evaluate("() => { document.querySelectorAll('details').forEach(d => { d.open = false; });"
                       " window.scrollTo(0, 0); document.querySelector('details.card').open = true; }")
    view.page.screenshot(path=str(artifacts / f"{name}-390x844.png"))
    view.assert_offline_and_clean()


def test_show_all_and_see_more_reveal_what_waits_behind_them(pages, tab) -> None:
    if "Pushcut" not in pages:
        pytest.skip("Pushcut is not in ../shared/corpus-sample")
    view = tab(pages["Pushcut"][0])
    page = view.page
    page.click("#op-SendNotification > summary")
    advanced = page.locator('#op-SendNotification .input[data-key="body.$.text"]')
    assert page.locator('#op-SendNotification .input[data-key="path.$.notificationName"]').is_visible()
    assert not advanced.is_visible()
    page.click("#op-SendNotification details.more > summary")
    assert advanced.is_visible()
    assert page.locator("#op-SendNotification details.more .input").count() == 4
    page.click("#op-ActionExecuted > summary")
    timestamp = page.locator('#op-ActionExecuted .token[data-key="body.$.timestamp"]')
    assert not timestamp.is_visible()
    page.click("#op-ActionExecuted details.see-more > summary")
    assert timestamp.is_visible()
    view.assert_offline_and_clean()


def test_search_filters_cards(pages, tab) -> None:
    html, connector = pages["tele2"]
    view = tab(html)
    page = view.page
    page.fill("#search", "voicemail")
    expected = [c.anchor for c in connector.cards if "voicemail" in search_text(c)]
    assert 0 < len(expected) < len(connector.cards)
    assert page.evaluate(VISIBLE_CARDS_JS) == expected
    assert page.inner_text("#count") == f"{len(expected)} of {len(connector.cards)} operations"
    page.fill("#search", "voicemail deleted")
    assert page.evaluate(VISIBLE_CARDS_JS) == ["op-VoicemailDeleted"]
    assert not page.locator("#actions").is_visible() and page.locator("#triggers").is_visible()
    page.fill("#search", "no such thing")
    assert page.evaluate(VISIBLE_CARDS_JS) == [] and not page.locator("#triggers").is_visible()
    page.fill("#search", "")
    assert len(page.evaluate(VISIBLE_CARDS_JS)) == len(connector.cards)
    view.assert_offline_and_clean()


def test_keyboard_navigation(pages, tab) -> None:
    html, connector = pages["tele2"]
    view = tab(html)
    page = view.page
    focused_card = "() => { const c = document.activeElement.closest('details.card'); return c ? c.id : null; }"
    visible = [c.anchor for c in connector.cards if c.group != "hidden"]
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "search"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert page.evaluate(focused_card) == visible[0]
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused_card) == visible[2]
    page.keyboard.press("k")
    assert page.evaluate(focused_card) == visible[1]
    page.keyboard.press("Enter")
    assert page.evaluate(f"() => document.getElementById('{visible[1]}').open") is True
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused_card) == visible[0]
    page.keyboard.press("/")
    page.keyboard.type("dial")
    page.keyboard.press("Enter")
    assert page.evaluate(focused_card) == "op-Dial"
    view.assert_offline_and_clean()


def test_diff_page(tmp_path: Path, tab, artifacts: Path) -> None:
    old = load_package(REPO / "connectors" / "tele2")
    new = load_package(changed_tele2(tmp_path / "new"))
    html = tmp_path / "diff.html"
    html.write_text(render_diff(diff_page(old, new, compare(old, new))), encoding="utf-8")
    view = tab(html)
    page = view.page
    assert page.locator("#op-GetLostCalls.is-removed").is_visible()
    assert not page.locator("#op-GetGroups").is_visible(), "unchanged cards wait behind the toggle"
    page.check("#show-unchanged")
    assert page.locator("#op-GetGroups").is_visible()
    page.click("#op-GetContacts > summary")
    assert page.locator('#op-GetContacts .input.is-renamed[data-key="query.$.max_items"]').is_visible()
    assert page.locator("#op-GetContacts .token.is-removed").is_visible()
    page.uncheck("#show-unchanged")
    page.screenshot(path=str(artifacts / "diff-tele2-1280x800.png"))
    view.assert_offline_and_clean()


def test_the_harness_sees_requests_and_console_errors(tmp_path: Path, tab) -> None:
    """The checks above would notice a page that loads something or logs an error."""
    html = tmp_path / "bad.html"
    html.write_text('<img src="https://example.invalid/x.png"><script>console.error("boom")</script>',
                    encoding="utf-8")
    view = tab(html)
    view.page.wait_for_load_state("load")
    assert "https://example.invalid/x.png" in view.requests and "boom" in view.errors
    with pytest.raises(AssertionError):
        view.assert_offline_and_clean()
