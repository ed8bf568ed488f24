"""Helpers shared by the web tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import DEFAULT_PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Log the client in through the form; returns the session's CSRF token after log-in."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/account").text)
