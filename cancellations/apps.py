from django.apps import AppConfig


class CancellationsConfig(AppConfig):
    name = "cancellations"

    def ready(self) -> None:
        from cancellations import promotions_link

        promotions_link.register()
