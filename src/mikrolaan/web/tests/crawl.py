"""Walk every page a signed-in user can reach by following links, and list what is not Danish.

Used by ``test_every_page_danish.py`` (on the demo programme, as each role). A page fails on
Django's "---------", on English (``english.py``: a known English text of the catalogues, or
a common English word in text, titles, labels, placeholders and button values), on an amount
in Python's form ("44050.00", "DKK") in its visible text, and on a server error.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

from mikrolaan.web.tests.english import english_in, english_msgids

# Not pages: files, signing out, Django's admin (its own translation), language switches.
SKIP = re.compile(
    r"^/(admin|static|media)/|logout|log-ud|/i18n/|\.(pdf|xlsx|csv|zip|json|png|svg|js|css)$"
    r"|/(pdf|xlsx|csv|download|export|letter|brev)(/|$)"
)
# Money as Python prints it ("44050.00 kr.", "DKK"), not as the formats module does.
RAW_FIGURES = re.compile(r"(?<![\d.,])\d{4,}\.\d{2}(?![\d])(?: ?kr\.)?|\bDKK\b")
PER_PATTERN = 10  # pages of one URL shape (ids replaced) per user: cases in every stage


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "pre", "code"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "pre", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _shape(path: str) -> str:
    return re.sub(r"/[0-9]+(?=/|$)", "/N", re.sub(r"[0-9a-f-]{20,}", "H", path))


def crawl(client, start: str = "/", limit: int = 400, english=None) -> tuple[dict, list[str]]:
    """Visit pages from ``start``; return ({path: [problems]}, visited paths)."""
    english = english_msgids() if english is None else english
    queue, seen, shapes = deque([start]), {start}, Counter()
    problems: dict[str, list[str]] = {}
    visited = []
    while queue and len(visited) < limit:
        path = queue.popleft()
        response = client.get(path)
        visited.append(path)
        if response.status_code >= 500:
            problems.setdefault(path, []).append(f"status {response.status_code}")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode("utf-8", "replace"))
        text = re.sub(r"\s+", " ", " ".join(parser.parts))
        html = response.content.decode("utf-8", "replace")
        if "---------" in html:
            problems.setdefault(path, []).append('"---------"')
        for raw in RAW_FIGURES.findall(text):
            problems.setdefault(path, []).append(f"raw figure: {raw!r}")
        for problem in english_in(text, english):
            problems.setdefault(path, []).append(problem)
        for href in parser.links:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not parsed.path.startswith("/"):
                continue
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if target in seen or SKIP.search(parsed.path):
                continue
            seen.add(target)
            shape = _shape(parsed.path) + ("?" if parsed.query else "")
            shapes[shape] += 1
            if shapes[shape] <= PER_PATTERN:
                queue.append(target)
    return problems, visited
