import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Unit tests read the English source messages; browser tests see the Danish UI."""
    with translation.override("en"):
        yield
