import factory

from notifications.models import Message


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    channel = Message.Channel.EMAIL
    kind = "acknowledgment"
    recipient = "ada@example.com"
    subject = "We have your order"
    body = "Your order is an offer; we have not accepted it yet."
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
