from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "consents"

    def ready(self) -> None:
        from consents import checks  # noqa: F401 - registers the retention settings check (D8)
        from consents.personal_data import provider_register

        provider_register()
