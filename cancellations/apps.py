from django.apps import AppConfig


class CancellationsConfig(AppConfig):
    name = "cancellations"

    def ready(self) -> None:
        from cancellations import promotions_link
        from cancellations.personal_data import provider_register

        promotions_link.register()
        provider_register()  # D6/D7: cancellations answers for its own personal fields
