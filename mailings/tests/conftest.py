import datetime as dt

import pytest
import time_machine

from mailings import services
from mailings.models import Mailing
from mailings.tests.factories import NOW, ClientFactory, MessageFactory


@pytest.fixture(autouse=True)
def _frozen(request):
    """The clock stands at NOW (threads in PostgreSQL race tests run in real time: they pass ``now``)."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def message(mentor):
    return MessageFactory(mentor=mentor)


@pytest.fixture
def clients(mentor):
    """Two hand-added clients with hostile names (text flows into mail headers and bodies)."""
    return [
        ClientFactory(mentor=mentor, email="sean@example.com", full_name="Seán O'Brien & <Co>"),
        ClientFactory(mentor=mentor, email="ann@example.com", full_name="Ann Lee"),
    ]


@pytest.fixture
def make_mailing(mentor, message):
    def make(*, period=Mailing.Period.ONCE, start=None, end=None, chosen=None, now=NOW, by=None):
        start = start or now + dt.timedelta(minutes=5)
        end = end or start + dt.timedelta(days=60)
        return services.mailing_create(
            mentor=by or mentor, message=message, start_at=start, end_at=end, period=period, clients=chosen, now=now
        )

    return make
