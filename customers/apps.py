from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        from customers.personal_data import provider_register

        provider_register()  # D6/D7: customers answers for its own personal fields
