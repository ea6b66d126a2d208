from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "promotions"

    def ready(self) -> None:
        from promotions.personal_data import provider_register

        provider_register()  # D6/D7: promotions answers for its own personal fields
