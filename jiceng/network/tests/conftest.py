import pytest

from jiceng.network import routing


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test has its own database: forget the process's grid index before and after."""
    routing.reset_index()
    yield
    routing.reset_index()
