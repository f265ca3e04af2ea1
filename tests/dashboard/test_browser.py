"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright,
against a real ``awsmock server`` process.

Skips when ``/usr/bin/chromium`` or the ``playwright`` package is missing (CI installs both).
Never downloads a browser (no ``playwright install``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS_KEYS = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"]
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is missing: apt-get install -y chromium (the dashboard browser test needs it)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "playwright is missing: pip install playwright (never `playwright install`: "
            "the test drives Debian's chromium)"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def dash_server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path / "data").start()
    try:
        yield srv
    finally:
        srv.stop()


class Page:
    """A browser tab on the dashboard that records dialogs and script errors."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.accept_confirm = True
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url + "/")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append((dialog.type, dialog.message))
        if dialog.type == "confirm" and self.accept_confirm:
            dialog.accept()
        else:
            dialog.dismiss()

    def group_rows(self, group: str) -> Any:
        return self.page.locator(f'section[data-group="{group}"] tbody tr')

    def close(self) -> None:
        self.page.close()


def test_dashboard_lists_snapshots_restores_and_escapes(browser: Any, dash_server: ServerProcess) -> None:
    from playwright.sync_api import expect

    s3 = dash_server.client("s3")
    s3.create_bucket(Bucket="photos-bucket")
    s3.put_object(Bucket="photos-bucket", Key="cat.jpg", Body=b"meow" * 100)
    s3.put_object(Bucket="photos-bucket", Key="albums/2024/dog.jpg", Body=b"woof")
    for key in XSS_KEYS:
        s3.put_object(Bucket="photos-bucket", Key=key, Body=b"x")
    s3.put_bucket_tagging(
        Bucket="photos-bucket", Tagging={"TagSet": [{"Key": "owner", "Value": "<b>me</b>"}]}
    )
    sqs = dash_server.client("sqs")
    queue = sqs.create_queue(QueueName="jobs-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="<script>alert(3)</script>")

    tab = Page(browser, dash_server.url)
    page = tab.page
    try:
        # the overview lists what boto3 created, with counts
        buckets = tab.group_rows("s3/buckets")
        expect(buckets).to_have_count(1)
        expect(buckets.first).to_contain_text("photos-bucket")
        expect(buckets.first.locator("td").nth(2)).to_have_text("4")  # objects
        expect(buckets.first.locator(".tag")).to_have_text("owner=<b>me</b>")  # text, not markup
        expect(tab.group_rows("sqs/queues").first).to_contain_text("jobs-queue")

        # state changes show up without a reload (polling)
        s3.create_bucket(Bucket="second-bucket")
        expect(buckets).to_have_count(2, timeout=TIMEOUT_MS)

        # save a snapshot with the form
        page.fill("#snapshot-name", "two-buckets")
        page.click("#snapshot-save")
        expect(page.locator('li[data-snapshot="two-buckets"]')).to_be_visible()

        # change the state behind the page's back, see it, restore with the button
        s3.create_bucket(Bucket="third-bucket")
        s3.delete_bucket(Bucket="second-bucket")
        expect(buckets.filter(has_text="third-bucket")).to_have_count(1)
        expect(buckets.filter(has_text="second-bucket")).to_have_count(0)
        page.click('li[data-snapshot="two-buckets"] button.restore')
        expect(buckets.filter(has_text="second-bucket")).to_have_count(1)
        expect(buckets.filter(has_text="third-bucket")).to_have_count(0)
        assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["photos-bucket", "second-bucket"]

        # the filter narrows the lists
        page.fill("#search", "second")
        expect(buckets).to_have_count(1)
        expect(buckets.first).to_contain_text("second-bucket")
        page.fill("#search", "")
        expect(buckets).to_have_count(2)

        # browse a bucket: keys that look like markup are text
        page.locator('section[data-group="s3/buckets"] a.open', has_text="photos-bucket").click()
        view = page.locator(".view tbody tr")
        expect(view.filter(has_text="cat.jpg")).to_have_count(1)
        expect(view.filter(has_text=XSS_KEYS[1])).to_have_count(1)
        expect(
            page.locator(".view td", has_text=re.compile(r"^<img src=x onerror=alert\(2\)>$"))
        ).to_have_count(1)
        assert page.locator(".view img, .view script").count() == 0
        page.fill(".view-search", "cat")  # search inside the bucket
        expect(view).to_have_count(1)
        expect(view.first).to_contain_text("cat.jpg")
        page.fill(".view-search", "")
        expect(view.filter(has_text="cat.jpg")).to_have_count(1)
        page.locator(".view a.folder-link", has_text="<script>alert(1)</").click()
        expect(view.filter(has_text="script>")).to_have_count(1)
        expect(page.locator(".view td").first).to_have_text("script>")
        page.locator(".prefix a").first.click()
        page.locator(".view a.folder-link", has_text="albums/").click()
        page.locator(".view a.folder-link", has_text="2024/").click()
        expect(view).to_have_count(1)
        expect(view.first).to_contain_text("dog.jpg")
        href = view.first.locator("a.download").get_attribute("href")
        assert href is not None
        with page.expect_download() as dl:
            view.first.locator("a.download").click()
        assert Path(dl.value.path()).read_bytes() == b"woof"
        page.click("a.back")

        # reset asks first: dismissed, nothing changes; accepted, everything goes
        tab.accept_confirm = False
        page.click("#reset")
        expect(buckets).to_have_count(2)
        tab.accept_confirm = True
        page.click("#reset")
        expect(page.locator("p.nothing")).to_have_text("No resources yet.")
        page.click('nav button[data-service="s3"]')  # a service's own page shows its empty kinds
        expect(page.locator('section[data-group="s3/buckets"] .empty')).to_be_visible()
        assert s3.list_buckets()["Buckets"] == []
        assert [t for t, _ in tab.dialogs] == ["confirm", "confirm"]

        shot = os.environ.get("AWSMOCK_DASHBOARD_SCREENSHOT")
        if shot:
            page.screenshot(path=shot, full_page=True)
        assert tab.errors == []
        assert not [d for d in tab.dialogs if d[0] == "alert"], tab.dialogs
    finally:
        tab.close()


def test_the_page_asks_for_the_admin_token(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    srv = ServerProcess(tmp_path / "data", env={"AWSMOCK_ADMIN_TOKEN": "let-me-in"}).start()
    try:
        srv.client("s3").create_bucket(Bucket="guarded-bucket")
        tab = Page(browser, srv.url)
        try:
            expect(tab.page.locator("#token-panel")).to_be_visible()
            tab.page.fill("#token", "let-me-in")
            tab.page.click("#token-form button")
            expect(tab.group_rows("s3/buckets").first).to_contain_text("guarded-bucket")
            expect(tab.page.locator("#token-panel")).to_be_hidden()
        finally:
            tab.close()
    finally:
        srv.stop()
