from custodian.policy.loader import current_policy


def utility(request):
    policy = current_policy()
    size = request.COOKIES.get("text_size", "normal")
    return {
        "utility": policy.utility,
        "policy_version": policy.version,
        "text_size": size if size in ("normal", "large") else "normal",
    }
