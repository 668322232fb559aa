from custodian.policy.loader import current_policy


def utility(request):
    policy = current_policy()
    return {"utility": policy.utility, "policy_version": policy.version}
