import pytest

from .peer import Peer


@pytest.fixture
def iso18626_peer():
    """A partner ILL system listening on 127.0.0.1 (tests/ill/iso18626/peer.py), stopped after the test."""
    with Peer() as peer:
        yield peer
