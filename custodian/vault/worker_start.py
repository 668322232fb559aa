"""Imported once by the server process that the gate's worker processes are forked from (multiprocessing's
forkserver preload): Django set up and the gate's bulk module loaded there, so each worker starts ready in
milliseconds instead of setting Django up itself. Opens no database connection and holds no key."""

import django

django.setup()

import custodian.vault.gate.month_totals  # noqa: E402, F401 (what the workers' tasks name)
