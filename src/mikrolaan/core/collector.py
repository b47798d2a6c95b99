"""Python's garbage collector during long imports.

The cyclic collector's full collections go through every object the process holds: after
Django's start that is some hundreds of thousands (models, translations, URL patterns,
compiled templates), and a bank file of 100,000 payments makes enough objects to set off a
full collection again and again. ``long_lived_frozen()`` moves the objects that exist when it
starts out of the collector's sight (``gc.freeze``) for the length of the block and back after
it (``gc.unfreeze``): the objects the block makes are collected as always. Measured on the
bank import of 20,000 payments: 24.9 s → 17.8 s, the same peak memory.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
