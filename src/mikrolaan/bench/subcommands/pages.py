"""``mikrolaan bench pages``: the web pages under load (``mikrolaan.bench.pages``)."""

from mikrolaan.bench.pages.command import HELP, add_arguments, handle

__all__ = ["HELP", "add_arguments", "handle"]
