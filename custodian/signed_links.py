"""A link we e-mail that names a record by its row ids, signed so that nobody can make one or alter it (never
an address or anything personal: a link is in a URL). Each kind of link has its own salt, so one kind's token
never opens another's, and its own lifetime; a link opens only while the record it names is still there."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: int  # seconds

    def token(self, data: dict) -> str:
        """The token of a link carrying `data` (row ids)."""
        return signing.dumps(data, salt=self.salt)

    def opened[T](
        self, token: str, *, subject: Callable[[dict], T | None], error: Exception
    ) -> tuple[dict, T]:
        """What the link carries and the record it is for (`subject` finds it from what the link carries),
        if the token is good, not older than the link's lifetime and its record is still there (`subject`
        answers None when it is gone); `error` otherwise."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.BadSignature:
            raise error from None
        if not isinstance(data, dict):
            raise error
        found = subject(data)
        if found is None:
            raise error
        return data, found
