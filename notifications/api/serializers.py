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

    def to_representation(self, message):
        # As in the outbox admin: staff who may not read customers' records (the warehouse) see where each
        # message went and how, not what it said.
        shown = super().to_representation(message)
        request = self.context.get("request")
        if request is not None and not request.user.has_perm("customers.view_customer"):
            shown["subject"] = ""
        return shown
