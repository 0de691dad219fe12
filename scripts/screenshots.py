"""Serve the dashboard on a store and save a screenshot of every page (headless Chromium).

Usage: python scripts/screenshots.py --db data/turquesa.duckdb [--out test-artifacts] [--query "crime=smuggling"]
       [--lang es]  (the interface language: files are then named <page>-<lang>.png)
Needs Debian's chromium (/usr/bin/chromium); Playwright drives it, no browser download.
The browser suite (tests/test_browser.py) takes the same screenshots on every `make test`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import PAGES, Egress, free_port, launch, serve, wait_until_idle  # noqa: E402


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts")
    parser.add_argument("--query", default="", help="URL query string (filters) for every page")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1800, help="viewport height: the page scrolls inside it")
    parser.add_argument("--lang", choices=("en", "es", "pt", "fr"), help="interface language (default: the app's)")
    args = parser.parse_args()
    query = "&".join(q for q in (args.query, f"lang={args.lang}" if args.lang else "") if q)
    suffix = f"-{args.lang}" if args.lang else ""
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = serve(args.db, port)
    egress = Egress()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            context = browser.new_context(viewport={"width": args.width, "height": args.height})
            egress.watch(context)
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(f"http://127.0.0.1:{port}/{path}" + (f"?{query}" if query else ""))
                wait_until_idle(page)
                page.wait_for_timeout(1500)  # maps and charts draw after the script ends
                page.screenshot(path=str(args.out / f"{name}{suffix}.png"), full_page=True)
                print(args.out / f"{name}{suffix}.png")
            browser.close()
    finally:
        server.terminate()
    if egress.outside:
        print("requests that left the machine:", *egress.outside, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
