from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from payments import handlers, promotions_link

        handlers.register()
        promotions_link.register()
