"""Every page of the demo programme, as each of its users, is Danish: no English text from the
catalogues, no Django "---------", no server error (issue 9: one language, one format)."""

import pytest
from django import forms
from django.test import Client

from mikrolaan.core.models import DemoLogin
from mikrolaan.web.tests.crawl import _Text, crawl, english_msgids
from mikrolaan.web.tests.english import english_words

pytestmark = pytest.mark.django_db


def test_every_page_of_the_demo_is_danish_for_every_role(demo_programme):
    english = english_msgids()
    assert len(english) > 300  # the check has something to look for
    found, pages = {}, 0
    logins = DemoLogin.objects.select_related("user").order_by("user__username")
    assert logins.count() >= 8
    for login in logins:
        client = Client()
        client.force_login(login.user)
        problems, visited = crawl(client, english=english)
        pages += len(visited)
        found.update({f"{login.user.username} {path}": items for path, items in problems.items()})
    assert pages > 200
    assert found == {}

    # The same walk sees English where the user chose it: the check can fail.
    client = Client()
    client.force_login(logins[0].user)
    client.cookies["django_language"] = "en"
    problems, _visited = crawl(client, english=english, limit=3)
    assert problems


def test_a_select_offers_a_danish_empty_choice():
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    html = str(Form())
    assert "Vælg …" in html and "---------" not in html


def test_single_english_words_are_found_in_text_and_attributes():
    html = (
        '<button>Save</button><a title="Next page" href="/">Næste</a>'
        '<input type="submit" value="Cancel"><input placeholder="Search">'
        "<p>Status: Open source sags- og lånesystem; Første screening; OK</p>"
    )
    parser = _Text()
    parser.feed(html)
    assert english_words(" ".join(parser.parts)) == ["Save", "Next", "page", "Cancel", "Search"]
