import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_danish_whatever_the_browser_asks_for(client, project_leader):
    client.force_login(project_leader)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "da"
    assert "Log ud" in response.content.decode()


def test_english_only_when_chosen(client, project_leader):
    client.force_login(project_leader)
    client.cookies["django_language"] = "en"
    assert "Log out" in client.get("/").content.decode()
