"""``mikrolaan serve``: gunicorn's workers must not inherit the command's database connection."""

import sys

from django.core.management import call_command
from django.db import connections


def test_serve_closes_the_database_connections_before_gunicorn_forks_its_workers(monkeypatch):
    from gunicorn.app import wsgiapp

    calls = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(connections, "close_all", lambda: calls.append("close_all"))
    monkeypatch.setattr(
        wsgiapp.WSGIApplication, "run", lambda app: calls.append(("run", list(sys.argv)))
    )
    call_command("serve", "127.0.0.1:0", "--workers", "3", "--threads", "4", "--no-collectstatic")
    assert [c if isinstance(c, str) else c[0] for c in calls] == ["close_all", "run"]
    argv = calls[1][1]
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--threads") + 1] == "4"
