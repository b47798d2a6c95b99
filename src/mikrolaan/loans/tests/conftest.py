import pytest
from django.db import connection


@pytest.fixture
def pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
