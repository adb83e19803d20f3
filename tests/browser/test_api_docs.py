"""The API documentation is raccord's own: Swagger UI and ReDoc render their operations with
every request outside the machine refused (as on a server without internet)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser_fixtures import Console

pytestmark = pytest.mark.browser


def block_the_network(page: Page) -> list[tuple[str, str]]:
    """Abort every request that leaves the loopback; return those refused (type, URL)."""
    refused: list[tuple[str, str]] = []

    def only_loopback(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            refused.append((route.request.resource_type, route.request.url))
            route.abort("internetdisconnected")

    page.route("**/*", only_loopback)
    return refused


@pytest.mark.parametrize("lang", ["fr"])
def test_swagger_ui_shows_the_operations_offline(operator: Console) -> None:
    refused = block_the_network(operator.page)
    operator.page.click("nav a[href='/api/docs']")
    operations = operator.page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible(timeout=15_000)
    paths = operations.all_inner_texts()
    assert any("/api/v1/settings" in p for p in paths), paths
    assert any("/api/v1/einvoicing/invoices" in p for p in paths), paths
    # Opening an operation shows its parameters and responses, from the local description.
    operations.first.click()
    expect(operator.page.locator(".opblock-body").first).to_be_visible()
    assert refused == []
    expect(operator.page.locator("html")).to_have_attribute("lang", "fr")


@pytest.mark.parametrize("lang", ["en"])
def test_redoc_shows_the_operations_offline(operator: Console) -> None:
    refused = block_the_network(operator.page)
    operator.page.goto(f"{operator.url}/api/redoc")
    expect(operator.page.locator("[data-section-id^='tag/'], [data-section-id^='operation/']")
           .first).to_be_attached(timeout=15_000)
    expect(operator.page.get_by_text("/api/v1/einvoicing/invoices").first).to_be_attached()
    # ReDoc's own footer links its logo from its site: that image alone is missing offline.
    assert [r for r in refused if r[0] != "image"] == []
