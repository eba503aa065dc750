import pytest

from tests.editorial.test_workflow import staff


@pytest.fixture
def alice(db):
    """A superuser editor, signed in with a second factor."""
    return staff("alice")


@pytest.fixture
def bob(db):
    return staff("bob")
