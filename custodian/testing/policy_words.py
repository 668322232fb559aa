"""The policy file's English a page or a letter in Spanish must not carry: every value the file also gives in
Spanish (an entry's field beside its `.es` table's, each item of a list), where the two differ."""

import tomllib
from functools import cache
from pathlib import Path

from django.conf import settings


@cache
def english_of_the_policy_file() -> frozenset[str]:
    """The English values, of two words or more (a lone word such as "Billing" could be any page's)."""
    raw = tomllib.loads(Path(settings.CUSTODIAN_POLICY_FILE).read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(table):
        if isinstance(table, list):
            for item in table:
                walk(item)
            return
        if not isinstance(table, dict):
            return
        spanish = table.get("es")
        if isinstance(spanish, dict):
            for key, words in spanish.items():
                english = table.get(key)
                pairs = zip(english, words, strict=True) if isinstance(english, list) else [(english, words)]
                found.update(en for en, es in pairs if isinstance(en, str) and en != es and " " in en)
        for key, value in table.items():
            if key != "es":
                walk(value)

    walk(raw)
    return frozenset(found)


def english_in(text: str) -> list[str]:
    """The policy file's English values `text` carries (spaces and line breaks counted as one space)."""
    text = " ".join(text.split())
    return sorted(en for en in english_of_the_policy_file() if " ".join(en.split()) in text)
