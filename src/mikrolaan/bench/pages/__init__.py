"""``mikrolaan bench pages``: the page load benchmark (issue 12).

Builds (once) two portfolios in their own databases — 100,000 citizens with cases and loans
through the interchange import, and 1,000,000 loans from the loan generator — starts the real
server (``mikrolaan serve``, gunicorn) against each, and drives it with locust over the pages
each role uses. See docs/deployment.md, "Sizing".

- ``command``: the subcommand's arguments and the run, phase by phase;
- ``portfolio``: run as a child process on the benchmark database: migrate, build or reuse the
  portfolio, sign in the benchmark users and pick the ids the visitors open (the plan);
- ``server``: start and stop ``mikrolaan serve`` on a free port;
- ``locustfile``: the visitors, one class per role;
- ``figures``: locust's statistics, the single-user timings, the table and the JSON.
"""
