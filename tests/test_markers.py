"""The `server` mark cannot drift from what a test does (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.server import Server


def test_an_unmarked_test_may_not_start_a_server():
    # a missing checkout: had the guard let it through, Popen would fail at once
    with pytest.raises(AssertionError, match="mark it @pytest.mark.server"):
        Server(cwd=Path("/nonexistent")).start()


def test_tests_using_the_shared_server_are_marked(request, client):
    assert request.node.get_closest_marker("server") is not None
