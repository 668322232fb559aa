"""Every link of a subscription's feed leads somewhere a token of that subscription may read: each entry's
self, up and related links answer 200 with that token, the ReadingType and LocalTimeParameters collections
included, each holding only the subscription's own."""

import io
from urllib.parse import urlsplit

from lxml import etree

from custodian.connect.models import Authorization
from custodian.connect.tests.test_connect_my_data import (
    allow,
    approved_third_party,
    code_exchanged,
    fetch,
    pkce,
)
from custodian.testing.portal import signed_in

ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_link_of_the_feed_answers_with_the_subscription_s_token(households, privacy_officer):
    (_, app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    verifier, challenge = pkce()
    _, code = allow(signed_in(app, "pat@example.com"), client_id, challenge)
    access = code_exchanged(client_id, secret, code, verifier).json()["access_token"]
    sid = Authorization.objects.get().pk
    batch = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{sid}")
    assert batch.status_code == 200
    entries = etree.parse(io.BytesIO(batch.content)).getroot().findall(f"{ATOM}entry")
    links = {
        urlsplit(link.get("href")).path
        for entry in entries
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") in ("self", "up", "related")
    }
    assert "/espi/1_1/resource/ReadingType" in links and "/espi/1_1/resource/LocalTimeParameters" in links
    answers = {path: fetch(access, path).status_code for path in sorted(links)}
    assert set(answers.values()) == {200}, {p: s for p, s in answers.items() if s != 200}
    kinds = fetch(access, "/espi/1_1/resource/ReadingType").content
    assert kinds.count(b"<entry") == sum(
        1 for path in links if path.startswith("/espi/1_1/resource/ReadingType/")
    )
