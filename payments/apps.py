from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from payments import handlers, promotions_link
        from payments.personal_data import provider_register

        handlers.register()
        promotions_link.register()
        provider_register()  # D6/D7: payments answers for its own personal fields
