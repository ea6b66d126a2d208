from catalogue.models import Product


def product_list_for_sale():
    return Product.objects.select_related("range").order_by("range__name", "sku")
