from mint_shop.errors import Rule

MESSAGE_NOT_CALL_TASK = Rule("message_not_call_task", "N1", 409)
