"""The benchmark's figures: locust's statistics per page, single-user timings, the table."""

from __future__ import annotations

import csv
import random
import statistics
import time
from pathlib import Path

from django.utils.translation import gettext as _

from mikrolaan.core.formatting import number


def load_final_stats(path: Path) -> dict[str, dict]:
    """Per page from locust's final ``--json-file`` (it counts the requests that finished
    while the run stopped, which the CSV written during the run misses)."""
    import json

    pages, everything = {}, {}
    for entry in json.loads(path.read_text()):
        times = {int(float(ms)): n for ms, n in entry["response_times"].items()}
        for ms, n in times.items():
            everything[ms] = everything.get(ms, 0) + n
        pages[entry["name"]] = _from_histogram(entry, times)
    total = {
        "num_requests": sum(e["num_requests"] for e in json.loads(path.read_text())),
        "num_failures": sum(e["num_failures"] for e in json.loads(path.read_text())),
        "start_time": min((e["start_time"] for e in json.loads(path.read_text())), default=0),
        "last_request_timestamp": max(
            (e["last_request_timestamp"] or 0 for e in json.loads(path.read_text())), default=0
        ),
        "max_response_time": max(everything, default=0),
    }
    pages = dict(sorted(pages.items()))
    pages["all pages"] = _from_histogram(total, everything)
    return pages


def _from_histogram(entry: dict, times: dict[int, int]) -> dict:
    def percentile(q: float):
        n = sum(times.values())
        if not n:
            return None
        seen = 0
        for ms in sorted(times):
            seen += times[ms]
            if seen >= q * n:
                return ms
        return max(times)

    seconds = (entry["last_request_timestamp"] or 0) - entry["start_time"]
    return {
        "requests": entry["num_requests"],
        "failures": entry["num_failures"],
        "p50_ms": percentile(0.5),
        "p95_ms": percentile(0.95),
        "max_ms": round(entry["max_response_time"]) if times else None,
        "rps": round(entry["num_requests"] / seconds, 2) if seconds > 0 else 0.0,
    }


def load_stats(path: Path) -> dict[str, dict]:
    """Per page from locust's ``*_stats.csv``: requests, failures, p50/p95/max ms, requests/s."""
    pages = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = "all pages" if row["Name"] == "Aggregated" else row["Name"]
            pages[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "max_ms": _number(row["Max Response Time"]),
                "rps": round(float(row["Requests/s"]), 2),
            }
    return pages


def _number(value: str) -> float | None:
    if value in ("", "N/A"):
        return None
    return round(float(value))


def load_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            {"page": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
            for r in csv.DictReader(fh)
        ]


def single_user(base_url: str, session: str, urls: list[str], timeout: float) -> dict:
    """One visitor opening ``urls`` one after another: server time as the client sees it."""
    import requests

    client = requests.Session()
    client.cookies.set("sessionid", session)
    times, failures = [], 0
    for url in urls:
        started = time.perf_counter()
        try:
            response = client.get(base_url + url, timeout=timeout)
            ok = response.status_code == 200 and "/login/" not in response.url
        except requests.RequestException:
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        if ok:
            times.append(elapsed)
        else:
            failures += 1
    return summarise(times, failures)


def summarise(times: list[float], failures: int = 0) -> dict:
    if not times:
        return {"requests": 0, "failures": failures, "p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "requests": len(times),
        "failures": failures,
        "p50_ms": round(statistics.median(ordered)),
        "p95_ms": round(p95),
        "max_ms": round(ordered[-1]),
    }


def sample_urls(pattern: str, ids: list[int], n: int) -> list[str]:
    return [pattern.format(random.choice(ids)) for _ in range(n)] if ids else []


def _cell(value) -> str:
    return "—" if value is None else f"{value:,}"


def table(title: str, pages: dict[str, dict], *, rps: bool = True) -> str:
    page, requests, failed, longest, per_second = (
        _("page"),
        _("requests"),
        _("failed"),
        _("max ms"),
        _("req/s"),
    )
    head = f"{page:<32} {requests:>8} {failed:>6} {'p50 ms':>8} {'p95 ms':>8} {longest:>8}"
    lines = [title, head + (f" {per_second:>7}" if rps else ""), "-" * (len(head) + 8 * rps)]
    for name, p in pages.items():
        line = (
            f"{name:<32} {number(p['requests']):>8} {number(p['failures']):>6} "
            f"{_cell(p['p50_ms']):>8} {_cell(p['p95_ms']):>8} {_cell(p['max_ms']):>8}"
        )
        if rps:
            line += f" {p.get('rps', 0):>7.2f}"
        lines.append(line)
    return "\n".join(lines)
