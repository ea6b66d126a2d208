from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from consents.hooks import data_request_listeners
        from notifications.data_rights import data_request_tell
        from notifications.personal_data import provider_register

        data_request_listeners.append(data_request_tell)  # D6: acknowledgment and answer through the outbox
        provider_register()
