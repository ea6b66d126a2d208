from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from customers import hooks as customer_hooks
        from orders import promotions_link
        from orders.services.title import orders_title_pass_on_aml_passed

        customer_hooks.on_aml_identity_passed(orders_title_pass_on_aml_passed)
        promotions_link.register()
