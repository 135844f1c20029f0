"""Regenerate docs/images/preview-<id>.png: each package's preview, first screen at desktop width.

Run from the project root:  python -m pbxconn.preview.screenshots [--out docs/images] [FOLDER ...]
(default: every folder under connectors/). Needs Playwright and Debian's chromium, as the browser
tests do (`pip install -e '.[test]'`, `apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pbxconn.core.errors import ToolMissingError
from pbxconn.preview import browser

DESKTOP = (1280, 800)


def render_page(folder: Path, target: Path) -> None:
    """Write the preview of one connector folder (with the validator's findings) to `target`."""
    from pbxconn.preview.page import connector_of, load_package, validate
    from pbxconn.preview.render import render_preview

    package = load_package(folder)
    target.write_text(render_preview(connector_of(package, validate(package)), folder.name), encoding="utf-8")


def capture(pages: list[tuple[Path, Path]], size: tuple[int, int] = DESKTOP) -> None:
    """Screenshot each (html, png) pair: the first screen, with the first card opened."""
    reason = browser.missing()
    if reason:
        raise ToolMissingError(reason, hint=browser.INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
            for html, png in pages:
                page.goto(html.resolve().as_uri())
                page.evaluate("() => { const c = document.querySelector('details.card'); if (c) c.open = true; }")
                page.screenshot(path=str(png), full_page=False)
        finally:
            chromium.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: render and screenshot the named folders (default connectors/*)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args(argv)
    folders = args.folders or sorted(p for p in Path("connectors").iterdir() if p.is_dir())
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pairs = []
        for folder in folders:
            html = Path(tmp) / f"{folder.name}.html"
            render_page(folder, html)
            pairs.append((html, args.out / f"preview-{folder.name}.png"))
        try:
            capture(pairs)
        except ToolMissingError as exc:
            print(f"screenshots: {exc}", file=sys.stderr)
            return 2
    for _, png in pairs:
        print(f"wrote {png} ({png.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
