"""``field__any``: the same rows as ``field__in``, the list sent as one array on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mikrolaan.banking.models import Statement, StatementFile
from mikrolaan.core.bulk import insert_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def files():
    return insert_many(
        StatementFile,
        [StatementFile(file_name=f"{n}.xml", file_hash=f"{n}" * 64) for n in range(1, 6)],
    )


def test_the_same_rows_as_in_by_text_by_id_and_by_foreign_key(files):
    hashes = [f.file_hash for f in files[1:4]] + ["nothing"]
    by_text = StatementFile.objects.filter(file_hash__any=hashes)
    assert (
        set(by_text) == set(StatementFile.objects.filter(file_hash__in=hashes)) == set(files[1:4])
    )
    ids = {files[0].pk, files[4].pk}  # a set will do
    assert set(StatementFile.objects.filter(pk__any=ids)) == {files[0], files[4]}
    Statement.objects.create(file=files[2], account="DK50", statement_id="S")
    assert list(
        Statement.objects.filter(file__any=[files[2].pk, files[3].pk]).values_list(
            "statement_id", flat=True
        )
    ) == ["S"]


def test_one_parameter_on_postgresql_however_many_values(files):
    values = [f"x{n}" for n in range(3000)]
    with CaptureQueriesContext(connection) as queries:
        assert not StatementFile.objects.filter(file_name__any=values).exists()
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"] and "x2999" in queries[0]["sql"]
    else:
        assert queries[0]["sql"].count("'x") == 3000  # IN (…) with a parameter each


def test_an_empty_list_matches_nothing_without_a_query(files, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(StatementFile.objects.filter(file_hash__any=[])) == []
