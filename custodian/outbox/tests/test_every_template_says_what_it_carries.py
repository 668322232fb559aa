"""Every template of a message says what data it carries (`outbox.carried.TEMPLATE_CARRIES`), or is a message
to staff: a template added without saying so would be shown to no representative (it carries every category
by default), so it is weighed when it is written. Personas: Rosa Reyes, a representative for the bills."""

from pathlib import Path

import custodian
from custodian.outbox.carried import EVERY, NOT_TO_CUSTOMERS, TEMPLATE_CARRIES, carried
from custodian.outbox.models import OutboundMessage
from custodian.policy.loader import current_policy


def _templates() -> set[str]:
    root = Path(custodian.__file__).parent
    return {p.name.split(".")[0] for p in root.glob("*/templates/outbox/*.txt")}


def test_every_template_is_weighed():
    unweighed = _templates() - set(TEMPLATE_CARRIES) - NOT_TO_CUSTOMERS
    assert not unweighed, f"say what these messages carry (outbox/carried.py TEMPLATE_CARRIES): {unweighed}"
    assert not (set(TEMPLATE_CARRIES) & NOT_TO_CUSTOMERS)


def test_a_template_not_weighed_carries_every_category():
    new = OutboundMessage(template="a_letter_added_later")
    assert carried(new) >= set(current_policy().self_access_categories)
    assert EVERY not in carried(new)
