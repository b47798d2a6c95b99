"""Error pages are Danish, in the site's layout with header and menu, never bare English."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from mikrolaan.web import errors

pytestmark = pytest.mark.django_db


def _assert_in_layout(html):
    assert '<html lang="da">' in html
    assert 'class="header"' in html and "Mikrolån" in html
    assert "Not Found" not in html and "Forbidden" not in html


def test_404_is_danish_with_header_and_menu(client, project_leader):
    client.force_login(project_leader)
    response = client.get("/findes-ikke/")
    html = response.content.decode()
    assert response.status_code == 404
    _assert_in_layout(html)
    assert "Siden findes ikke" in html
    assert reverse("cases:list") in html  # the menu is there


def test_403_is_danish_with_header_and_menu(client, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("loans:list"))
    html = response.content.decode()
    assert response.status_code == 403
    _assert_in_layout(html)
    assert "Du har ikke adgang til denne side" in html
    assert reverse("reports:index") in html


def test_500_is_danish_and_survives_a_broken_layout(project_leader, monkeypatch):
    request = RequestFactory().get("/")
    request.user = project_leader
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Der opstod en fejl" in response.content.decode()

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(errors, "render", broken)
    fallback = errors.server_error(request)
    assert fallback.status_code == 500 and "lang='da'" in fallback.content.decode()


def test_csrf_failure_is_danish(client, project_leader):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(project_leader)
    response = strict.post(reverse("logout"))
    assert response.status_code == 403
    assert "Formularen var udløbet" in response.content.decode()
