from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from catalogue import hooks
        from orders.services.withdrawal import product_lines_stop

        hooks.register(hooks.PRODUCT_WITHDRAWN, product_lines_stop)
