"""The case list: a page at a time, filtered by stage, cohort and unit in the query string."""

import pytest
from django.urls import reverse

from mikrolaan.accounts.tests.factories import UnitFactory
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.core import pagination

pytestmark = pytest.mark.django_db


def test_the_list_shows_a_page_at_a_time_and_keeps_its_filters(
    client, project_leader, unit, monkeypatch
):
    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    cases = [referred_case(unit=unit) for _ in range(5)]
    cases[4].stage = Stage.FIRST_SCREENING
    cases[4].save(update_fields=["stage"])
    client.force_login(project_leader)

    first = client.get(reverse("cases:list"), {"stage": Stage.REFERRED})
    assert first.context["page"].paginator.count == 4
    assert len(first.context["cases"]) == 2
    html = first.content.decode()
    assert "4 sager" in html
    assert 'href="/cases/?stage=referred&amp;page=2"' in html

    second = client.get(reverse("cases:list"), {"stage": Stage.REFERRED, "page": 2})
    shown = list(first.context["cases"]) + list(second.context["cases"])
    assert sorted(c.pk for c in shown) == sorted(c.pk for c in cases[:4])
    # A page past the end shows the last page; an unknown stage filters nothing.
    assert client.get(reverse("cases:list"), {"page": 99}).context["page"].number == 3
    assert (
        client.get(reverse("cases:list"), {"stage": "nonsense"}).context["page"].paginator.count
        == 5
    )


def test_a_unit_filter_for_those_who_see_every_unit_only(
    client, project_leader, knowledge_person, unit
):
    mine = referred_case(unit=unit)
    other = referred_case(unit=UnitFactory())
    client.force_login(project_leader)
    response = client.get(reverse("cases:list"), {"unit": other.unit_id})
    assert list(response.context["cases"]) == [other]

    client.force_login(knowledge_person)
    response = client.get(reverse("cases:list"), {"unit": other.unit_id})
    assert "unit" not in response.context["filters"].fields
    assert list(response.context["cases"]) == [mine]


def test_a_search_keeps_its_token_when_filtered(client, project_leader, unit):
    case = referred_case(unit=unit)
    referred_case(unit=unit)
    client.force_login(project_leader)
    found = client.post(reverse("cases:list"), {"q": case.citizen.last_name}, follow=True)
    token = found.request["QUERY_STRING"].split("s=")[1]
    assert f'name="s" value="{token}"' in found.content.decode()
    filtered = client.get(reverse("cases:list"), {"s": token, "stage": Stage.REFERRED})
    assert list(filtered.context["cases"]) == [case]
