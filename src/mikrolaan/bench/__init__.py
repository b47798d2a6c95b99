"""Benchmarks over generated data, above every product app: ``mikrolaan bench NAME …``.

Each module in ``mikrolaan.bench.subcommands`` is one subcommand (see that package); the
generated portfolio they share is ``mikrolaan.bench.portfolio``. Nothing in the product imports
this package.
"""
