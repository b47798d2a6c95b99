"""A real OpenID Connect provider for the tests: django-oidc-provider in its own process.

``oidc_provider`` (session-scoped) starts the small Django project in this folder on a free
port of 127.0.0.1 with its SQLite file in a temporary folder, and stops it when the session
ends. Tests register clients and users through it; users carry extra claims (``role`` and
``unit`` for staff, later ``cpr`` for citizens), delivered under the scope ``mikrolaan``.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestIdentityProvider:
    def __init__(self, data_dir: Path, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.issuer = f"{self.url}/openid"
        self.port = port
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO_DIR),
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_TEST_PROVIDER_DIR": str(data_dir),
            "OIDC_TEST_PROVIDER_URL": self.url,
        }
        self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen | None = None
        self._clients: dict[str, tuple[str, list[str]]] = {}

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "django", *args], env=self.env, check=True, cwd=REPO_DIR
        )

    def start(self) -> None:
        self.manage("test_provider", "setup")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            env=self.env,
            cwd=REPO_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(  # noqa: S310 (our own http://127.0.0.1)
                    f"{self.issuer}/.well-known/openid-configuration", timeout=2
                ):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the test identity provider did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def client(self, client_id: str, client_secret: str, *, redirect_uri: str) -> None:
        """Register (once) a confidential client allowed to use ``redirect_uri``."""
        secret, uris = self._clients.get(client_id, (client_secret, []))
        if redirect_uri in uris and secret == client_secret:
            return
        uris = [*uris, redirect_uri]
        args = [arg for uri in uris for arg in ("--redirect-uri", uri)]
        self.manage("test_provider", "client", client_id, client_secret, *args)
        self._clients[client_id] = (client_secret, uris)

    def configure(
        self, settings, name: str, server_url: str, client_id: str, client_secret: str, **entry
    ) -> None:
        """Mikrolån registered here as a client and configured to sign in through this provider
        as its entry ``name`` (``staff`` or ``citizen``; ``entry``: that entry's other keys)."""
        self.client(client_id, client_secret, redirect_uri=f"{server_url}/oidc/{name}/callback/")
        settings.OIDC_PROVIDERS = {
            name: {
                "issuer": self.issuer,
                "client_id": client_id,
                "client_secret": client_secret,
                **entry,
            }
        }

    def user(self, username: str, password: str, *, claims: dict | None = None, **names) -> None:
        """Create or update a user; ``names`` are first_name, last_name, email."""
        args = [f"--{key.replace('_', '-')}={value}" for key, value in names.items()]
        self.manage(
            "test_provider",
            "user",
            username,
            password,
            *args,
            f"--claims={json.dumps(claims or {})}",
        )

    def disable(self, username: str) -> None:
        self.manage("test_provider", "disable", username)


@pytest.fixture(scope="session")
def oidc_provider():
    with tempfile.TemporaryDirectory(prefix="mikrolaan-idp-") as data_dir:
        provider = TestIdentityProvider(Path(data_dir), _free_port())
        provider.start()
        try:
            yield provider
        finally:
            provider.stop()


def sign_in(page, start: str, button: str, username: str, password: str) -> None:
    """From Mikrolån's page ``start``, through its button ``button`` (a test id), to the
    provider's log-in form, filled in and sent."""
    page.goto(start)
    page.click(f"[data-testid={button}]")
    page.fill("#idp-username", username)
    page.fill("#idp-password", password)
    page.click("#idp-submit")
