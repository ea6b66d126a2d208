from django.apps import AppConfig


class MintShopConfig(AppConfig):
    name = "mint_shop"
    verbose_name = "Mint back office"

    def ready(self):
        from mint_shop import admin_money

        admin_money.install()
