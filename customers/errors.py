from mint_shop.errors import Rule

CUSTOMER_RESTRICTED = Rule("customer_restricted", "C3", 403)
CUSTOMER_DECEASED = Rule("customer_deceased", "C7", 409)
