"""Broken rules as values.

Each app names the rules it enforces as `Rule` constants in its own `errors.py`; services
raise `RuleViolation(SOME_RULE, detail)` and the API's one exception handler renders it as
`{"code", "rule", "detail"}` with the rule's 4xx status. Tests match on the constant.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str  # machine-readable, stable: "cooling_off_expired"
    rule: str  # the rulebook id from DOMAIN.md: "R1"
    status: int = 400


class RuleViolation(Exception):
    def __init__(self, rule: Rule, detail: str):
        super().__init__(detail)
        self.rule = rule
        self.detail = detail

    @property
    def code(self) -> str:
        return self.rule.code

    def as_dict(self) -> dict:
        return {"code": self.rule.code, "rule": self.rule.rule, "detail": self.detail}


NOT_FOUND = Rule("not_found", "access", 404)
