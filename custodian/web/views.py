from django.shortcuts import render

from custodian.policy.loader import current_policy


def home(request):
    return render(request, "web/home.html")


def privacy_policy(request):
    policy = current_policy()
    return render(
        request,
        "web/privacy.html",
        {
            "policy": policy,
            "paragraphs": [p.strip() for p in policy.published_text.split("\n\n") if p.strip()],
            "purposes": policy.purposes.values(),
            "categories": policy.categories.values(),
            "services": policy.services.values(),
            "vendor_functions": policy.vendor_functions.values(),
        },
    )


def portal(request):
    return render(request, "web/portal.html")
