from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from orders.personal_data import provider_register

        provider_register()  # D6/D7: orders answers for its own personal fields
