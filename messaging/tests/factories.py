import factory
from django.utils import timezone

from accounts.tests.factories import MentorFactory, UserFactory
from messaging.models import Conversation, Message


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    mentor = factory.SubFactory(MentorFactory)
    mentee = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sender = factory.LazyAttribute(lambda m: m.conversation.mentee)
    body = "Hello"
    created_at = factory.LazyFunction(timezone.now)
