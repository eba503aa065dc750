import pytest

from tests.factories import CategoryFactory, ToolFactory


@pytest.fixture
def tool(db):
    return ToolFactory(name="Code Llama 4", slug="code-llama-4", category=CategoryFactory())
