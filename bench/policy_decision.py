"""policy_decision: the gate's policy check vs pycasbin enforcing the same role → purpose → category rules."""

import itertools

from bench.harness import seconds

NAME = "policy_decision"
UNIT = "decisions/s"
TARGET = 50
DATABASES = ["sqlite"]  # no database is touched: the decision is pure
OURS = "custodian.vault.gate.policy_decision over every (service, purpose, category) of the policy file"
BASELINE = "pycasbin Enforcer.enforce(user, purpose, category) with an RBAC model holding the same grants"

MODEL = """
[request_definition]
r = sub, purpose, category
[policy_definition]
p = sub, purpose, category
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.purpose == p.purpose && r.category == p.category
"""


def _best(fn, cases, repeat=5) -> float:
    return len(cases) / min(seconds(lambda: fn(cases)) for _ in range(repeat))


def measure(db: str) -> dict:
    import tempfile
    from pathlib import Path

    import casbin

    from custodian.policy.loader import current_policy
    from custodian.vault.gate import Actor, policy_decision

    policy = current_policy()
    services, purposes, categories = list(policy.services), list(policy.purposes), list(policy.categories)
    cases = list(itertools.product(services, purposes, categories)) * 20

    actors = {s: Actor(kind="staff", id=s, label=s, services=frozenset([s])) for s in services}
    ours_cases = [(actors[s], p, (c,)) for s, p, c in cases]

    model_path = Path(tempfile.mkdtemp()) / "model.conf"
    model_path.write_text(MODEL)
    enforcer = casbin.Enforcer(str(model_path))
    for service, purpose, category in policy.service_grants:
        enforcer.add_policy(service, purpose, category)
    for s in services:
        enforcer.add_role_for_user(f"user-{s}", s)
    casbin_cases = [(f"user-{s}", p, c) for s, p, c in cases]

    # Both must agree on every case before either is timed.
    for (actor, p, cats), (user, _, c) in zip(ours_cases, casbin_cases, strict=True):
        assert policy_decision(policy, actor, p, cats).allowed == enforcer.enforce(user, p, c), (
            actor.id,
            p,
            c,
        )

    def ours(cs):
        for actor, p, cats in cs:
            policy_decision(policy, actor, p, cats)

    def baseline(cs):
        enforce = enforcer.enforce
        for user, p, c in cs:
            enforce(user, p, c)

    return {
        "ours": _best(ours, ours_cases),
        "baseline": _best(baseline, casbin_cases, repeat=2),
        "n": len(cases),
    }
