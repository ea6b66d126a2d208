from mint_shop.errors import Rule

SOFT_OPT_IN_CHANNEL = Rule("soft_opt_in_channel", "D1", 400)
CONSENT_FOR_DECEASED = Rule("consent_for_deceased", "C7", 409)
UNSUBSCRIBE_TOKEN_INVALID = Rule("unsubscribe_token_invalid", "D2", 400)
UNSUBSCRIBE_TOKEN_USED = Rule("unsubscribe_token_used", "D2", 409)
PRINT_RUN_ALREADY_PRINTED = Rule("print_run_already_printed", "D2", 409)
