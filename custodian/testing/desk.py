"""Requests a member of staff enters at the service desk (a call, a visit, a letter), sent through the
console's new-request form."""


def request_entered(client, form: dict):
    """The new-request form as the member of staff signed in on `client` sends it, saying the notice at
    collection was given: `form` is the rest (the channel and kind, who the person is and how they were
    verified, their message)."""
    return client.post("/staff/requests/new/", {**form, "notice_given": "on"})
