from mint_shop.errors import Rule

# C1 eligibility: each refusal names the condition that failed.
UNDER_AGE = Rule("under_age", "C1", 400)
DATE_OF_BIRTH_IN_FUTURE = Rule("date_of_birth_in_future", "C1", 400)
DATE_OF_BIRTH_TOO_EARLY = Rule("date_of_birth_too_early", "C1", 400)
CAPACITY_NOT_DECLARED = Rule("capacity_not_declared", "C1", 400)
CHECKS_NOT_AGREED = Rule("checks_not_agreed", "C1", 400)
# C2 one account per person.
DUPLICATE_ACCOUNT = Rule("duplicate_account", "C2", 409)
# C3 refusing supply.
CUSTOMER_RESTRICTED = Rule("customer_restricted", "C3", 403)
ALREADY_RESTRICTED = Rule("already_restricted", "C3", 409)
NOT_RESTRICTED = Rule("not_restricted", "C3", 409)
# C4/C5 due diligence and evidence.
EVIDENCE_TOO_LARGE = Rule("evidence_too_large", "C4", 413)
EVIDENCE_NOT_A_DOCUMENT = Rule("evidence_not_a_document", "C4", 415)
CHECK_ALREADY_DECIDED = Rule("check_already_decided", "C4", 409)
SOURCE_OF_FUNDS_ALREADY_DECIDED = Rule("source_of_funds_already_decided", "C5", 409)
SOURCE_OF_FUNDS_DUE_IN_PAST = Rule("source_of_funds_due_in_past", "C5", 400)
SOURCE_OF_FUNDS_WRONG_ORDER = Rule("source_of_funds_wrong_order", "C5", 400)
# C6/C7 representatives and deceased customers.
REPRESENTATIVE_NOT_VERIFIED = Rule("representative_not_verified", "C6", 403)
REPRESENTATIVE_REVOKED = Rule("representative_revoked", "C6", 403)
REPRESENTATIVE_NEEDS_EVIDENCE = Rule("representative_needs_evidence", "C6", 409)
REPRESENTATIVE_NOT_PENDING = Rule("representative_not_pending", "C6", 409)
REPRESENTATIVE_NOT_ACTIVE = Rule("representative_not_active", "C6", 409)
PERSONAL_REPRESENTATIVE_NEEDS_DEATH = Rule("personal_representative_needs_death", "C7", 409)
CUSTOMER_DECEASED = Rule("customer_deceased", "C7", 409)
ALREADY_DECEASED = Rule("already_deceased", "C7", 409)
DATE_OF_DEATH_IN_FUTURE = Rule("date_of_death_in_future", "C7", 400)
DATE_OF_DEATH_BEFORE_BIRTH = Rule("date_of_death_before_birth", "C7", 400)
# C10 call recordings.
RECORDING_TOO_LARGE = Rule("recording_too_large", "C10", 413)
PAUSE_OUTSIDE_CALL = Rule("pause_outside_call", "C10", 400)
CALL_TIMES_INVALID = Rule("call_times_invalid", "C10", 400)
TRANSCRIPT_MISSING = Rule("transcript_missing", "C10", 409)
# Signing in (README "Signing in"): repeated failures lock the login for a while.
SIGNIN_LOCKED_OUT = Rule("signin_locked_out", "access", 429)
# Issue 14: API access is revoked for a login; a customer keyed by phone or post has none.
CUSTOMER_HAS_NO_LOGIN = Rule("customer_has_no_login", "access", 409)
