from rest_framework import serializers

from notifications.models import Message


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id", "channel", "purpose", "kind", "customer", "recipient", "subject", "status",
            "attempts", "last_error", "created_at", "sent_at", "deemed_served_at",
        ]
        read_only_fields = fields
