"""Small typed readers for settings taken from the environment.

Every setting Custodian reads from the environment goes through these helpers, so the README's
configuration table and the code agree on names, types and defaults.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser() if raw else default


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from `NAME`, or from the file that `NAME_FILE` names (Docker and systemd credentials, a
    mounted secret): the file's text without its final line break. Setting both is refused, and so is a file
    that can't be read, naming it."""
    direct = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if path is None or path == "":
        return default if direct is None else direct
    if direct is not None:
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: set one of them.")
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ImproperlyConfigured(f"{name}_FILE={path}: the file can't be read ({reason}).") from None
    return text.removesuffix("\n").removesuffix("\r")


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def smtp_options() -> dict:
    """The SMTP server's options for Django's mailer (MAILERS[...]["OPTIONS"]) from the environment:
    EMAIL_HOST, EMAIL_PORT (default 465 with SSL, 587 with STARTTLS, else 25), EMAIL_HOST_USER,
    EMAIL_HOST_PASSWORD (or EMAIL_HOST_PASSWORD_FILE), EMAIL_USE_TLS (STARTTLS), EMAIL_USE_SSL (implicit
    TLS), EMAIL_TIMEOUT (seconds), EMAIL_SSL_CERTFILE and EMAIL_SSL_KEYFILE (a client certificate).
    A user name and password are never sent over a connection without TLS."""
    use_tls = env_bool("EMAIL_USE_TLS", False)
    use_ssl = env_bool("EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS (STARTTLS, usually port 587) and EMAIL_USE_SSL (implicit TLS, usually port 465) "
            "are both on: set one."
        )
    username = env_str("EMAIL_HOST_USER", "")
    password = env_secret("EMAIL_HOST_PASSWORD", "")
    if (username or password) and not (use_tls or use_ssl):
        raise ImproperlyConfigured(
            "EMAIL_HOST_USER/EMAIL_HOST_PASSWORD are set without EMAIL_USE_TLS or EMAIL_USE_SSL: the "
            "mail server's password would cross the network in clear."
        )
    options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
        "username": username,
        "password": password,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
    certfile, keyfile = env_str("EMAIL_SSL_CERTFILE", ""), env_str("EMAIL_SSL_KEYFILE", "")
    if certfile:
        options["ssl_certfile"] = certfile
    if keyfile:
        options["ssl_keyfile"] = keyfile
    return options
