"""Sign-in for a team, in Chromium against a real OpenID Connect provider (`oidc-provider-mock`).

One provider and one app server for the file, configured with the README's own example files
(docs/examples/secrets.toml with its two port numbers and cookie_secret changed, docs/examples/access.toml
as is).
Users sign in through the provider's authorize page, as a user does.
"""

from __future__ import annotations

import json
import os
import secrets as secrets_module
import shutil
import sys
import time
import tomllib
from pathlib import Path

import pytest

from core.data.ingest import ingest_file
from core.data.workspace import Workspace
from core.i18n import t
from tests.browser.conftest import REPO, _free_port, app_command, serving, wait_for_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EXAMPLES = REPO / "docs" / "examples"
COOKIE_SECRET: dict[str, str] = {}  # app URL -> the cookie_secret its secrets.toml got
USERS = [
    {"sub": "alice", "email": "alice@example.com", "name": "Alice"},
    {"sub": "bob", "email": "bob@example.org", "name": "Bob"},
]


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    """(app URL) with sign-in through a live provider; workspaces marketing, support, research."""
    tmp = tmp_path_factory.mktemp("team")
    data = tmp / "data"
    csv = tmp / "users.csv"
    csv.write_text("user_id,segment\nu1,a\nu2,b\n")
    for name in ("marketing", "support", "research"):
        ingest_file(Workspace(data / "workspaces" / name), csv, "users")
    ingest_file(Workspace(data / "workspaces" / "research"), csv, "users")  # v1 can be restored
    shutil.copy(EXAMPLES / "access.toml", tmp / "access.toml")
    app_port, idp_port = _free_port(), _free_port()
    secrets = (EXAMPLES / "secrets.toml").read_text()
    assert secrets.count("localhost:8501") == 1 and secrets.count("localhost:9400") == 1
    placeholder = tomllib.loads(secrets)["auth"]["cookie_secret"]
    secret = secrets_module.token_urlsafe(32)  # the example's REPLACE-ME signs nobody in
    secrets = secrets.replace(placeholder, secret)
    secrets = secrets.replace("localhost:8501", f"localhost:{app_port}").replace(
        "localhost:9400", f"localhost:{idp_port}"
    )
    (tmp / "secrets.toml").write_text(secrets)

    env = {k: v for k, v in os.environ.items() if k != "CE_WORKSPACE"}
    env.update(CE_DATA_DIR=str(data), CE_ACCESS_FILE=str(tmp / "access.toml"), PYTHONPATH=str(REPO))
    idp = [str(Path(sys.executable).parent / "oidc-provider-mock"), "-p", str(idp_port)]
    for user in USERS:
        idp += ["--user-claims", json.dumps(user)]
    app = app_command(app_port, "--secrets.files", str(tmp / "secrets.toml"))
    idp_health = f"http://localhost:{idp_port}/.well-known/openid-configuration"
    with serving(idp, env, tmp / "idp.log", idp_health):
        with serving(app, env, tmp / "app.log", f"http://127.0.0.1:{app_port}/_stcore/health"):
            COOKIE_SECRET[f"http://localhost:{app_port}"] = secret
            yield f"http://localhost:{app_port}"


def _resigned(value: str, age_days: float | None, secret: str) -> str:
    """The auth cookie's payload signed again as `age_days` old, or (None) with one character changed."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    payload = URLSafeTimedSerializer(secret, salt="_streamlit_user").loads(value)
    if age_days is None:
        middle = len(value) // 2
        return value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]

    class Aged(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_days * 86400)

    return URLSafeTimedSerializer(secret, salt="_streamlit_user", signer=Aged).dumps(payload)


def _sign_in(page, url: str, sub: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator(f'button[name="sub"][value="{sub}"]').click()  # the provider's authorize page
    page.get_by_text(f"Signed in as {sub.title()}").wait_for(timeout=60_000)
    wait_for_script(page)


def _workspace_options(page) -> list[str]:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').nth(1).click()
    options = page.locator('[role="option"]')
    options.first.wait_for()
    names = [o.inner_text().strip() for o in options.all()]
    page.keyboard.press("Escape")
    return names


def _warning_for(page, url: str, ws: str) -> str:
    page.goto(f"{url}/?ws={ws}&lang=en")
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for()
    wait_for_script(page)
    return alert.inner_text().strip()


def test_owner_signs_in_sees_only_theirs_and_an_expired_or_tampered_cookie_signs_out(team_app, browser_page):
    page = browser_page
    page.goto(team_app)
    page.get_by_role("button", name="Sign in").wait_for()
    wait_for_script(page)
    body = page.locator("body").inner_text()
    assert "Sign in" in body and not any(w in body for w in ("marketing", "research", "support"))
    assert page.locator('[data-testid="stFileUploader"], [data-testid="stSelectbox"]').count() == 0
    page.goto(f"{team_app}/churn_cohorts?ws=research")  # a bookmarked view: the same screen
    page.get_by_role("button", name="Sign in").wait_for()
    wait_for_script(page)
    assert "research" not in page.locator("body").inner_text()
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count() == 0

    _sign_in(page, team_app, "alice")
    assert sorted(n for n in _workspace_options(page) if n != t("common.sample_workspace")) == [
        "marketing",
        "research",
    ]
    # another's workspace and a missing one: the same words, and no page behind them
    missing = _warning_for(page, team_app, "no-such")
    forbidden = _warning_for(page, team_app, "support")
    assert missing == t("auth.ws_missing", "en", workspace="no-such")
    assert forbidden == missing.replace("no-such", "support")
    assert page.locator("h1").count() == 0
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stSelectbox"]').click()  # the picker offers only her workspaces
    options = page.locator('[role="option"]')
    options.first.wait_for()
    assert "support" not in [o.inner_text().strip() for o in options.all()]
    options.filter(has_text="marketing").click()
    page.get_by_role("heading", name=t("home.title", "en")).wait_for()
    wait_for_script(page)
    assert "ws=marketing" in page.url and page.locator('[data-testid="stAlert"]').count() == 0
    # her own workspace: the upload and restore controls are there
    page.goto(f"{team_app}/?ws=research&lang=en")
    page.locator('[data-testid="stFileUploader"]').wait_for()
    wait_for_script(page)
    page.get_by_text(t("home.versions_of", "en", table="users", n=2)).click()
    assert page.get_by_role("button", name="Restore").count() == 1

    # the identity cookie, signed again with the server's cookie_secret: as of now it still signs in
    # (so the re-signing is right), 40 days old it has expired; one changed character is a forgery
    user = next(c for c in page.context.cookies() if c["name"] == "_streamlit_user")
    for age_days, signed_in in ((0, True), (40, False), (None, False)):
        cookie = dict(user, value=_resigned(user["value"], age_days, COOKIE_SECRET[team_app]))
        page.context.add_cookies([cookie])
        page.goto(team_app)
        page.get_by_text("Signed in as Alice" if signed_in else "Sign in", exact=True).first.wait_for()
        wait_for_script(page)
        assert ("Signed in as Alice" in page.locator("body").inner_text()) is signed_in, age_days


def test_member_cannot_change_data_and_sign_out_returns_to_sign_in(team_app, browser_page):
    page = browser_page
    _sign_in(page, team_app, "bob")
    assert sorted(n for n in _workspace_options(page) if n != t("common.sample_workspace")) == [
        "research",
        "support",
    ]
    page.goto(f"{team_app}/?ws=research&lang=en")  # bob is a member here
    page.get_by_text(t("auth.read_only", "en")).wait_for()
    wait_for_script(page)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    page.get_by_text(t("home.versions_of", "en", table="users", n=2)).click()
    page.get_by_text("v1", exact=True).wait_for()  # the versions are shown, only not restorable
    assert page.get_by_role("button", name="Restore").count() == 0

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider ends its session too
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.goto(f"{team_app}/?ws=research&lang=en")  # and stays signed out
    page.get_by_role("button", name="Sign in").wait_for()
    wait_for_script(page)
    assert "research" not in page.locator("body").inner_text()
