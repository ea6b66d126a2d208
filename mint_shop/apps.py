from django.apps import AppConfig


class MintShopConfig(AppConfig):
    name = "mint_shop"
    verbose_name = "Mint back office"
