"""The running server (the session fixture's): admin login works, open sign-up is refused."""

from __future__ import annotations

import httpx


def _form_post(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    client.get(path)
    csrf = client.cookies.get("csrftoken")
    return client.post(
        path, data={**data, "csrfmiddlewaretoken": csrf}, headers={"Referer": f"{client.base_url}{path}"}
    )


def test_admin_login_works_and_sign_up_without_invite_is_refused(labelstudio):
    assert labelstudio.username and labelstudio.password, "set LABEL_STUDIO_USERNAME/PASSWORD with LABEL_STUDIO_URL"
    with httpx.Client(base_url=labelstudio.url, timeout=30) as c:
        r = _form_post(c, "/user/login/", {"email": labelstudio.username, "password": labelstudio.password})
        assert r.status_code == 302 and r.headers["location"] == "/"
        assert c.get("/api/current-user/whoami").json()["email"] == labelstudio.username
    with httpx.Client(base_url=labelstudio.url, timeout=30) as c:
        r = _form_post(c, "/user/signup/", {"email": "intruder@example.com", "password": "Str0ng-enough-pw"})
        assert r.status_code == 403
    with httpx.Client(base_url=labelstudio.url, timeout=30) as c:  # the CSRF dance itself is fine
        r = _form_post(c, "/user/login/", {"email": labelstudio.username, "password": "wrong-password"})
        assert r.status_code == 200 and "location" not in r.headers


def test_health_and_token(labelstudio):
    assert httpx.get(f"{labelstudio.url}/health", timeout=10).json() == {"status": "UP"}
    assert labelstudio.client().users.whoami().email
