import pytest


@pytest.fixture
def run_servicing(django_capture_on_commit_callbacks):
    """``run_servicing(date, **kw)``: the servicing run, with the after-commit letter hand-over
    executed as it would be outside the test transaction."""
    from mikrolaan.servicing.run import run

    def do(day, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return run(day, **kwargs)

    return do
