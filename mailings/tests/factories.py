import datetime as dt

import factory

from mailings.models import Client, Message

NOW = dt.datetime(2026, 3, 20, 7, 0, tzinfo=dt.UTC)  # a Friday; Kyiv moves its clocks on 29 March


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    mentor = factory.SubFactory("accounts.tests.factories.MentorFactory")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Client {n}")
    created_at = NOW


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    mentor = factory.SubFactory("accounts.tests.factories.MentorFactory")
    subject = "News from {mentor_name}"
    body = "Hello {first_name},\n\nTime to **practise** again."
    created_at = NOW
    updated_at = NOW
