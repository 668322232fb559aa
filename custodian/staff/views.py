from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from custodian.policy.loader import current_policy
from custodian.staff.selectors import services_of


@login_required
def home(request):
    policy = current_policy()
    services = [policy.services[s] for s in sorted(services_of(request.user)) if s in policy.services]
    purposes = sorted({p for s in services for p in s.purposes})
    return render(
        request,
        "staff/home.html",
        {"services": services, "purposes": [policy.purposes[p] for p in purposes]},
    )
