import pytest


@pytest.fixture
def run_servicing(django_capture_on_commit_callbacks):
    """The servicing run with its after-commit letter hand-over executed."""
    from mikrolaan.servicing.run import run

    def do(day, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return run(day, **kwargs)

    return do


@pytest.fixture
def dpo(db):
    from mikrolaan.accounts.tests.factories import UserFactory

    return UserFactory(
        username="dpo", role="data_protection_officer", first_name="Dorte", last_name="DPO"
    )


@pytest.fixture
def history(db, run_servicing, tmp_path, settings):
    from mikrolaan.privacy.tests.builders import full_history

    settings.LETTERS_DIR = tmp_path / "letters"
    return full_history(run_servicing)
