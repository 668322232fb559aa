"""A confirmation step for actions that can't be taken back (closing a request, disclosing, exporting,
emergency access, revoking a consent): the first POST answers with a page saying what will happen, carrying
what was posted as hidden fields; the second, with `confirmed`, does it. Without JavaScript, as every page."""

from django.shortcuts import render

NOT_CARRIED = {"csrfmiddlewaretoken", "confirmed"}


def confirmed(request) -> bool:
    return request.POST.get("confirmed") == "1"


def confirmation_page(
    request,
    *,
    title: str,
    heading: str,
    summary: list[tuple[str, str]],
    confirm_label: str,
    cancel_url: str,
    lead: str = "",
    warning: str = "",
    danger: bool = False,
    extra: dict | None = None,
):
    """The page that asks before doing: `summary` as (label, value) in words, the posted values carried."""
    carried = [(k, v) for k in request.POST if k not in NOT_CARRIED for v in request.POST.getlist(k)]
    carried += list((extra or {}).items())
    return render(
        request,
        "ui/confirm_page.html",
        {
            "title": title,
            "heading": heading,
            "lead": lead,
            "summary": summary,
            "warning": warning,
            "danger": danger,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "carried": carried,
            "action": request.path,
        },
    )
