from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MintShopConfig(AppConfig):
    default = True
    name = "mint_shop"
    verbose_name = "Mint back office"

    def ready(self):
        from mint_shop import admin_money

        admin_money.install()


class MintAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that asks staff in the sensitive roles for a second factor."""

    default = False
    default_site = "mint_shop.admin_site.MintAdminSite"
