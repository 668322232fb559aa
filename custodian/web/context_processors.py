from custodian.policy.loader import current_policy
from custodian.web.cookies import TEXT_SIZE


def utility(request):
    policy = current_policy()
    size = request.COOKIES.get(TEXT_SIZE.name, "normal")
    return {
        "utility": policy.utility,
        "policy_version": policy.version,
        "text_size": size if size in ("normal", "large") else "normal",
    }
