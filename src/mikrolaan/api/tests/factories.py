"""Registered systems with a live token, made through the real services."""

from mikrolaan.api import scopes
from mikrolaan.api.clients import create_client, issue_token


def system(name: str = "Jobcentrets sagssystem", *, scope=scopes.ALL, unit=None):
    """(client, bearer token) for a new system with these scopes and unit."""
    registered = create_client(name, scopes=list(scope), unit=unit)
    token = issue_token(registered.client.client_id, registered.secret).token
    return registered.client, token


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
