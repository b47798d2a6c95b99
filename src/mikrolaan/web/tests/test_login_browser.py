import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_log_in_and_out_in_chromium(page, login, project_leader):
    login(project_leader)
    assert page.locator("[data-testid=current-user]").inner_text() == str(project_leader)
    assert page.locator("html").get_attribute("lang") == "da"
    page.click("text=Log ud")
    page.wait_for_url("**/login/")


def test_pages_need_a_log_in(page):
    page.goto("/")
    assert "/login/" in page.url
