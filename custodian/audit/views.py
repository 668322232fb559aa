"""/transparency/: the access log's signed heads and tiles as published (files the signer wrote outside the
database), a page that says in plain words what they are and how to check them, consistency proofs, and the
standalone verifier. Nothing here is personal: hashes, sizes and signatures only."""

import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from custodian.audit.heads import log_origin, read_published_heads, verifier_keys
from custodian.audit.receipts import consistency_between
from custodian.bounds import ascii_whole
from custodian.routing import page

VERIFIER = Path(settings.BASE_DIR) / "verifier" / "custodian_verify.py"
_TILE = re.compile(r"^tile/\d+/(x\d{3}/)*\d{3}(\.p/\d{1,3})?$")


def _published() -> Path:
    return Path(settings.CUSTODIAN_TRANSPARENCY_DIR)


def _text(content: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/plain; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # mirrors and verifiers may fetch from anywhere
    return response


@page("", name="index")
@require_GET
def index(request):
    heads = []
    if (_published() / "heads").is_dir():
        for name, cp in read_published_heads(_published()):
            heads.append({"name": name.removesuffix(".checkpoint"), "size": cp.size, "root": cp.root.hex()})
    heads.reverse()
    return render(
        request,
        "audit/transparency.html",
        {"origin": log_origin(), "heads": heads[:200], "count": len(heads), "keys": verifier_keys()},
    )


@page("checkpoint", name="checkpoint")
@require_GET
def checkpoint(request):
    path = _published() / "checkpoint"
    if not path.is_file():
        # Before the first head is signed (a log just set up) there is none to give: say so, in words a
        # mirror's operator reads, rather than a bare "not found".
        response = _text(
            gettext(
                "No signed head yet: the access log's head is signed at least every hour once it has "
                "entries. Try again later; %(page)s says how to check it."
            )
            % {"page": request.build_absolute_uri(reverse("transparency:index"))}
            + "\n"
        )
        response.status_code = 404
        return response
    return _text(path.read_text())


@page("heads/<id:number>.checkpoint", name="head")
@require_GET
def head(request, number: int):
    path = _published() / "heads" / f"{number:08d}.checkpoint"
    if not path.is_file():
        raise Http404
    return _text(path.read_text())


@page("log-keys.txt", name="log_keys")
@require_GET
def log_keys(request):
    return _text("".join(f"{k.text}\n" for k in verifier_keys()))


@page("tile/<path:tile_path>", name="tile")
@require_GET
def tile(request, tile_path: str):
    path = f"tile/{tile_path}"
    if not _TILE.match(path) or not (_published() / path).is_file():
        raise Http404
    response = FileResponse(open(_published() / path, "rb"), content_type="application/octet-stream")  # noqa: SIM115
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page("consistency", name="consistency")
@require_GET
def consistency(request):
    """A consistency proof between two published heads: ?from=OLD_SIZE&to=NEW_SIZE."""
    try:
        old, new = ascii_whole(request.GET["from"]), ascii_whole(request.GET["to"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "give from= and to=, the sizes of two published heads"}, status=400)
    sizes = (
        {cp.size for _, cp in read_published_heads(_published())}
        if (_published() / "heads").is_dir()
        else set()
    )
    if not (0 < old <= new) or old not in sizes or new not in sizes:
        return JsonResponse({"error": "from and to must be sizes of published heads, from ≤ to"}, status=400)
    return JsonResponse(consistency_between(old, new))


@page("custodian_verify.py", name="verifier")
@require_GET
def verifier(request):
    response = HttpResponse(VERIFIER.read_text(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="custodian_verify.py"'
    return response
