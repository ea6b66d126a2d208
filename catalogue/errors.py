from mint_shop.errors import Rule

PRICE_INVALID = Rule("price_invalid", "P2", 400)
