"""The operator page in AWS signs in through a popup window (Cognito's managed login cannot be framed).

Chromium runs the page as the deployment configures it (`host: connect`, its `cognito` block);
the managed login is a fake on its own origin (routes of the browser context): `/oauth2/authorize`
redirects to a login page, which sends the window back to the page with a code, and
`/oauth2/token` answers the exchange. Like Cognito's pages, the fake login page may send
`Cross-Origin-Opener-Policy: same-origin`, which severs the window's opener. The page is served
with the Content-Security-Policy CloudFront sends for it (the API and the managed login in
`connect-src`, the workspace in `frame-ancestors`), not the local host's stricter one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from infra.constructs.web_hosting_construct import content_security_policy
from telefonist_local.cli.serve import LocalApi
from tests.browser.conftest import EXPECT_TIMEOUT_MS

LOGIN = "https://login.telefonist.test"
WORKSPACE = "https://workspace.telefonist.test"
CLIENT_ID = "operator-client"


def _jwt(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"h.{payload}.s"


def _fake_managed_login(
    context: BrowserContext, served: LocalApi, *, groups: list[str], strict_opener_policy: bool
) -> list[dict[str, list[str]]]:
    """Routes for the page's config.json and the managed login; returns the token requests' bodies."""
    redirect_uri = f"{served.url}/operator/"
    exchanges: list[dict[str, list[str]]] = []
    config = {
        "host": "connect",
        "api_url": served.url,
        "cognito": {"domain": LOGIN, "client_id": CLIENT_ID, "redirect_uri": redirect_uri},
    }

    def config_json(route: Route) -> None:
        route.fulfill(json=config)

    def authorize(route: Route) -> None:
        query = parse_qs(urlsplit(route.request.url).query)
        assert query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"]
        assert query["redirect_uri"] == [redirect_uri]
        back = f"{redirect_uri}?{urlencode({'code': 'the-code', 'state': query['state'][0]})}"
        route.fulfill(status=302, headers={"Location": f"{LOGIN}/login?{urlencode({'back': back})}"})

    def login(route: Route) -> None:
        back = parse_qs(urlsplit(route.request.url).query)["back"][0]
        headers = {"Content-Type": "text/html"}
        if strict_opener_policy:
            headers["Cross-Origin-Opener-Policy"] = "same-origin"
        # The person signs in here; then the managed login sends the window back with the code.
        route.fulfill(headers=headers, body=f'<meta http-equiv="refresh" content="0;url={back}">')

    def token(route: Route) -> None:
        exchanges.append(parse_qs(route.request.post_data or ""))
        route.fulfill(
            headers={"Access-Control-Allow-Origin": served.url},
            json={
                "id_token": _jwt({"sub": "op-1", "email": "eva@vaxeln.se", "cognito:groups": groups}),
                "access_token": "a",
                "refresh_token": "r",
                "expires_in": 900,
            },
        )

    def page_with_production_csp(route: Route) -> None:
        response = route.fetch()
        headers = dict(response.headers)
        headers["content-security-policy"] = content_security_policy([served.url, LOGIN], [WORKSPACE])
        route.fulfill(response=response, headers=headers)

    context.route(lambda url: urlsplit(url).path == "/operator/", page_with_production_csp)
    context.route(f"{served.url}/operator/config.json", config_json)
    context.route(f"{LOGIN}/oauth2/authorize*", authorize)
    context.route(f"{LOGIN}/login*", login)
    context.route(f"{LOGIN}/oauth2/token", token)
    return exchanges


def _sign_in(page: Page, scope: Callable[[], object]) -> Page:
    """Click "Logga in" in `scope` (the page or its frame) and return the sign-in window."""
    with page.context.expect_page() as opened:
        scope().get_by_role("button", name="Logga in").click()  # type: ignore[attr-defined]
    return opened.value


@pytest.mark.parametrize("strict_opener_policy", [False, True], ids=["opener", "opener-severed"])
def test_the_operator_signs_in_through_a_popup_and_the_workspace_shows(
    context: BrowserContext, page: Page, served: LocalApi, strict_opener_policy: bool
) -> None:
    exchanges = _fake_managed_login(context, served, groups=["operators"], strict_opener_policy=strict_opener_policy)
    page.goto(f"{served.url}/operator/")
    expect(page.get_by_role("heading", name="Logga in som telefonist")).to_be_visible()
    popup = _sign_in(page, lambda: page)
    expect(page.get_by_role("heading", name="Inget samtal just nu", exact=False)).to_be_visible()
    for _ in range(EXPECT_TIMEOUT_MS // 100):  # the window closes itself once the page has the code
        if popup.is_closed():
            break
        page.wait_for_timeout(100)
    assert popup.is_closed()
    (body,) = exchanges
    assert body["grant_type"] == ["authorization_code"]
    assert body["code"] == ["the-code"]
    assert body["client_id"] == [CLIENT_ID]
    assert len(body["code_verifier"][0]) >= 43
    # Tokens in memory only: nothing in either storage (the verifier never left the page).
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_an_account_outside_the_operators_group_is_refused(
    context: BrowserContext, page: Page, served: LocalApi
) -> None:
    _fake_managed_login(context, served, groups=["admins"], strict_opener_policy=False)
    page.goto(f"{served.url}/operator/")
    _sign_in(page, lambda: page)
    expect(page.get_by_role("alert")).to_contain_text("Kontot hör inte till gruppen telefonister")
    expect(page.get_by_role("heading", name="Inget samtal just nu", exact=False)).to_have_count(0)


def test_framed_by_the_workspace_the_page_signs_in_while_the_window_keeps_its_opener(
    context: BrowserContext, page: Page, served: LocalApi
) -> None:
    """As in Connect: the page in a cross-site frame (its storage partitioned by the top-level site)."""
    _fake_managed_login(context, served, groups=["operators"], strict_opener_policy=False)
    context.route(
        f"{WORKSPACE}/",
        lambda route: route.fulfill(
            headers={"Content-Type": "text/html"},
            body=f'<title>Agent workspace</title><iframe title="Telefonist" src="{served.url}/operator/"></iframe>',
        ),
    )
    page.goto(f"{WORKSPACE}/")
    frame = page.frame_locator('iframe[title="Telefonist"]')
    expect(frame.get_by_role("heading", name="Logga in som telefonist")).to_be_visible()
    _sign_in(page, lambda: frame)
    expect(frame.get_by_role("heading", name="Inget samtal just nu", exact=False)).to_be_visible()
