import pytest

from tests.factories import CategoryFactory, ToolFactory


@pytest.fixture
def tool(db):
    return ToolFactory(name="Code Llama 4", slug="code-llama-4", category=CategoryFactory())


@pytest.fixture
def csrf_client(client):
    """A client that enforces CSRF like a browser does, with a token from a real page."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    return strict


def token_of(client, path: str = "/tools/code-llama-4/") -> str:
    response = client.get(path)
    return response.cookies["csrftoken"].value if "csrftoken" in response.cookies else ""
