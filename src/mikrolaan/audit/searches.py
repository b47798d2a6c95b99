"""Search criteria kept in the session under a short token, so no CPR number enters a URL.

A search form posts its criteria; the view keeps them here and redirects to its result page
with ``?s=<token>`` (POST-redirect-GET), so the result page can be reloaded, paged and linked
to within the session while the web server's access log sees only the token.
"""

import secrets

SESSION_KEY = "mikrolaan_searches"
KEEP = 20  # searches per session; the oldest is forgotten first


def remember(request, scope: str, criteria: dict) -> str:
    """Keep ``criteria`` (JSON-serialisable) for this session; returns the token."""
    searches = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(8)
    searches[token] = {"scope": scope, "criteria": criteria}
    while len(searches) > KEEP:
        searches.pop(next(iter(searches)))
    request.session[SESSION_KEY] = searches
    return token


def recall(request, scope: str, token: str | None) -> dict | None:
    """The criteria kept under ``token`` for this scope, or None (unknown or expired)."""
    if not token:
        return None
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("scope") != scope:
        return None
    return entry["criteria"]
