"""Settings for the portal_load benchmark's server only: the production settings plus one minimal view
(bench/portal_load_urls.py). The package `bench` is not installed on a server (pyproject installs
`custodian*` only) and nothing in `custodian` names this module, so the view is never reachable in
production."""

from custodian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.portal_load_urls"
