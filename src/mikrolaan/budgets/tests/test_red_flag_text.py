"""The red flag's text names the loan and the living costs before break-even plainly (issue 9:
"132.000,00 kr. af lånet på 45.000,00 kr. går til leveomkostninger" read as if more than the
loan went to living costs)."""

import re

import pytest
from django.urls import reverse

from mikrolaan.budgets.services import summarise
from mikrolaan.budgets.tests.factories import budget
from mikrolaan.decisions.tests.factories import case_in_pre_course

pytestmark = pytest.mark.django_db


def test_the_red_flag_says_the_loan_and_what_goes_to_living_costs_in_danish(client, project_leader):
    version = budget(case_in_pre_course(), project_leader, red_flag=True)
    assert summarise(version).red_flag.warn
    client.force_login(project_leader)
    html = client.get(reverse("budgets:version", args=[version.pk])).content.decode()
    box = re.search(r'data-testid="red-flag".*?</div></div>', html, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", box).split())
    assert "af lånet på" not in text
    assert "Lånet er på " in text and " går " in text and " til leveomkostninger" in text
    assert re.search(r"\d{1,3}(\.\d{3})*,\d{2} kr\.", text)
