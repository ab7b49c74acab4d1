"""Fixtures of the contract tests that replay cassettes with pytest-recording.

Only the modules that use pytest-recording's ``vcr`` fixture get them: its
``vcr_config`` asks for the project's cassette format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.cassettes import (
    CassetteSerializer,
    SerializerPlugin,
    cassette_dir,
    recorded_header,
)
from tests.support.cassettes import vcr_config as make_vcr_config


@pytest.fixture(scope="module")
def cassette_format(pytestconfig: pytest.Config) -> Iterator[None]:
    """pytest-recording writes and reads cassettes in this project's format."""
    plugin = SerializerPlugin(CassetteSerializer(recorded_header()))
    pytestconfig.pluginmanager.register(plugin, "kimono-cassettes")
    yield
    pytestconfig.pluginmanager.unregister(plugin)


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """tests/cassettes (or KIMONO_CASSETTE_DIR while scripts/record.py records)."""
    return str(cassette_dir())


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The cassette of a test: its marker's, its case's, or its documented scenario's."""
    marker = request.node.get_closest_marker("default_cassette")
    if marker is not None:
        return str(marker.args[0])
    params = request.node.callspec.params
    if "case" in params:
        return str(params["case"].name)
    return f"documented/{params['scenario'].name}"


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest, cassette_format: None) -> dict[str, Any]:
    """How pytest-recording replays (and, for test_cassette, records): the module's env, if any."""
    if "env" not in request.fixturenames:
        return make_vcr_config(None, replay=True)
    live = request.getfixturevalue("env")
    return make_vcr_config(live.origin, replay=not live.recording)
