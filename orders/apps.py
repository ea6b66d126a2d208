from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from catalogue import hooks as catalogue_hooks
        from customers import hooks as customer_hooks
        from orders import promotions_link
        from orders.personal_data import provider_register
        from orders.services.title import orders_title_pass_on_aml_passed
        from orders.services.withdrawal import product_lines_stop

        catalogue_hooks.register(catalogue_hooks.PRODUCT_WITHDRAWN, product_lines_stop)
        customer_hooks.on_aml_identity_passed(orders_title_pass_on_aml_passed)
        promotions_link.register()
        provider_register()  # D6/D7: orders answers for its own personal fields
