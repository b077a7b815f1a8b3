"""Screenshots of the web UI with the demo data, for docs/web-ui.md: start `make run` first, then
`.venv/bin/python deploy/demo_screenshots.py [--offset N]` (needs /usr/bin/chromium).
Writes docs/screenshots/demo-*.png."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


async def signed_in(browser: Browser, base_url: str, login: str) -> Page:
    context = await browser.new_context(base_url=base_url, viewport={"width": 1024, "height": 900}, locale="ja-JP")
    page: Page = await context.new_page()
    await page.goto("/signin")
    await page.get_by_label("ログインID").fill(login)
    await page.get_by_label("パスワード").fill("demo")
    await page.get_by_role("button", name="ログイン").click()
    await page.wait_for_url(f"{base_url}/")
    return page


async def main(offset: int) -> None:
    kanazawa, prefecture = f"http://127.0.0.1:{8101 + offset}", f"http://127.0.0.1:{8104 + offset}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        advisor = await signed_in(browser, kanazawa, "demo-advisor")
        await advisor.screenshot(path=SHOTS / "demo-businesses.png", full_page=True)
        await advisor.locator("table.list a").first.click()
        await advisor.screenshot(path=SHOTS / "demo-business.png", full_page=True)
        await advisor.goto("/search?q=新商品")
        await advisor.screenshot(path=SHOTS / "demo-search.png", full_page=True)
        await advisor.goto("/report?fiscal_year=2025")
        await advisor.screenshot(path=SHOTS / "demo-report.png", full_page=True)
        staff = await signed_in(browser, prefecture, "demo-prefecture")
        await staff.goto("/analytics?table=org-vs-prefecture&fiscal_year=2025")
        await staff.wait_for_load_state("load")
        await staff.screenshot(path=SHOTS / "demo-analytics.png", full_page=True)
        await browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offset", type=int, default=0, help="BANSO_PORT_OFFSET of the running make run")
    asyncio.run(main(parser.parse_args().offset))
