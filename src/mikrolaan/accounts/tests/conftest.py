import pytest


@pytest.fixture
def hardened(settings):
    """Sign-in as in production: lock-out and the second factor on (test settings turn them off)."""
    settings.AXES_ENABLED = True
    settings.SECOND_FACTOR_REQUIRED = True
    return settings


@pytest.fixture
def sign_in(client):
    """``sign_in(username, password, ip=…)``: post the log-in form as a browser would."""

    def do(username, password, *, ip="10.0.0.1", next_url=""):
        return client.post(
            "/login/",
            {"username": username, "password": password, "next": next_url},
            REMOTE_ADDR=ip,
        )

    return do
