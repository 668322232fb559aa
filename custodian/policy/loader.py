"""Reads the policy file, validates it against fideslang's taxonomy, and compiles it for the gate.

Errors name the file, the entry and the problem, and stop the app at start-up (PolicyError is an
ImproperlyConfigured).

One module (over 400 lines) on purpose: the file's tables are checked against each other (a service's
purposes, a purpose's categories, vendors' functions, retention items), so the whole check reads top to
bottom beside the file it checks.
"""

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import ngettext
from fideslang import DEFAULT_TAXONOMY

REQUIRED_SERVICES = (
    "customer_service",
    "billing",
    "collections",
    "field_services",
    "marketing",
    "web",
    "it_database",
    "privacy_officer",
    "legal",
)
REQUIRED_PURPOSES = (
    "billing",
    "collecting_payments",
    "contacting_customers",
    "resolving_problems",
    "providing_services",
    "marketing",
    "enhancing_website",
    "legal_obligations",
)
# "Customer information will be shared among … support services as necessary to respond to requests": the
# purposes that answer a customer's request (reaching them about it, working their question or problem, a
# data request or challenge under Minn. Stat. ch. 13 and the law's other demands) are read by staff only while
# their support service owns an open request of the customer's (`request_required = true`). The file may
# make another purpose request-driven too, never one of these not.
REQUEST_DRIVEN_PURPOSES = ("contacting_customers", "resolving_problems", "legal_obligations")
NOTICE_FIELDS = ("version", "purpose", "required", "consequences", "recipients")
NOTICE_TEXT_FIELDS = ("purpose", "required", "consequences", "recipients")
# The words of a category, a purpose or a support service a customer reads, in the file's other languages.
# Every one of these is required in each language the site offers besides the one the policy was adopted in
# (`_translations`): a page or a letter in Spanish never falls back to the English of the file.
SOURCE_LANGUAGE = "en"
LABEL_TEXT_FIELDS = ("label",)
CATEGORY_TEXT_FIELDS = ("label", "classification")
PURPOSE_TEXT_FIELDS = ("label", "description")
PROVIDER_TEXT_FIELDS = ("name", "contact")
RETENTION_TEXT_FIELDS = ("label", "counts_from", "destroys", "keeps", "schedule_item", "note")
# The tables of [disclosure_bases] the privacy page and the portal show, and the words each gives.
BASIS_TEXT_FIELDS = {
    "prior_written_consent": ("label", "terms"),
    "legal_authority": ("label", "release_list"),
    "connect_my_data": ("label",),
    "vendor_determination": ("label",),
}


class PolicyError(ImproperlyConfigured):
    def __init__(self, path: Path, entry: str, problem: str):
        self.path, self.entry, self.problem = path, entry, problem
        super().__init__(f"{path}: [{entry}] {problem}")


class Translated:
    """An entry whose words the policy file also gives in other languages: `{"es": {"label": …}}`."""

    translations: dict[str, dict[str, str]]

    def in_language(self, language: str | None = None):
        """This entry's words in `language` (default: the active one) where the file has them, else as
        written (the English the policy was adopted in)."""
        language = language if language is not None else (translation.get_language() or "")
        text = self.translations.get(language[:2])
        return replace(self, **text) if text else self


class Worded(dict):
    """A table of the file that is no entry of its own (a provider of energy assistance, the responsible
    authority, the website's list, a basis of disclosure): reading one of its words (`table["title"]`, and
    `{{ table.title }}` in a page or a letter) gives them in the active language where its `[table.es]` gives
    them, else as written; `in_language()` gives the whole table in one language."""

    def __getitem__(self, key):
        text = dict.get(self, (translation.get_language() or "")[:2])
        if isinstance(text, dict) and key in text:
            return text[key]
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def in_language(self, language: str | None = None) -> dict:
        language = language if language is not None else (translation.get_language() or "")
        text = dict.get(self, language[:2])
        offered = {code for code, _ in settings.LANGUAGES}
        return {
            k: v for k, v in {**self, **(text if isinstance(text, dict) else {})}.items() if k not in offered
        }


# The days an office's hours may name, Monday first (Python's and Django's weekday numbers).
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Category(Translated):
    key: str
    field: str
    fides_key: str
    label: str
    classification: str
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Purpose(Translated):
    key: str
    label: str
    data_use: str
    description: str
    request_required: bool
    categories: frozenset[str]
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SupportService(Translated):
    key: str
    label: str
    purposes: frozenset[str]
    reviews_access: bool = False
    # Adds staff, changes their services, deactivates them, resets their second factor, revokes tokens.
    administers_staff: bool = False
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SystemJob:
    key: str
    label: str
    purposes: frozenset[str]
    api_client: bool = False  # runs outside Custodian and reads through the API with a token


@dataclass(frozen=True)
class VendorFunction(Translated):
    key: str
    label: str
    purpose: str
    identity: bool
    categories: frozenset[str]
    # Other purposes the function's vendors may be sent data for, by an export that says so (the mailing
    # function's marketing mail): read, logged and accounted under that purpose, never the function's own.
    also_for: frozenset[str] = frozenset()
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def purpose_of(self, *, for_marketing: bool = False) -> str:
        """The purpose an export of this function is read, logged and accounted under."""
        return "marketing" if for_marketing else self.purpose


@dataclass(frozen=True)
class Notice(Translated):
    key: str
    version: str
    purpose: str
    required: str
    consequences: str
    recipients: str
    # The purposes this version names (Minn. Stat. § 13.05 subd. 4), and what each earlier version named.
    purposes: frozenset[str] = frozenset()
    earlier: dict[str, frozenset[str]] = field(default_factory=dict)
    # The same version's text in other languages: {"es": {"purpose": …, "required": …, …}}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def names(self, version: str) -> frozenset[str]:
        """The purposes the notice named in `version` (a version the file does not know names nothing)."""
        return self.purposes if version == self.version else self.earlier.get(version, frozenset())

    @property
    def shown(self) -> str:
        """What a form carries to say which notice it showed: `key:version`."""
        return f"{self.key}:{self.version}"


@dataclass(frozen=True)
class RetentionItem(Translated):
    """One record series the retention run destroys: its period (a key of [retention]), what destroying it
    means, and the item of the retention schedule it follows (`confirmed` false: to be checked)."""

    key: str
    label: str
    period: str
    amount: int
    unit: str  # "years" | "days"
    counts_from: str
    destroys: str
    keeps: str
    schedule: str
    schedule_item: str
    confirmed: bool
    note: str = ""
    # The words a customer reads (all but `schedule`, the schedule's name, cited as it is written).
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    @property
    def period_text(self) -> str:
        return f"{self.amount} {self.unit[:-1] if self.amount == 1 else self.unit}"

    def first_day_kept(self, as_of: date) -> date:
        """The first day whose records of this item are within their period on `as_of`: the retention run
        and the imports that refuse what it would destroy count the period the same way."""
        if self.unit == "days":
            return as_of - timedelta(days=self.amount)
        try:
            return as_of.replace(year=as_of.year - self.amount)
        except ValueError:  # February 29 in a year that has none
            return as_of.replace(year=as_of.year - self.amount, day=28)

    def first_moment_kept(self, as_of: date) -> datetime:
        """The moment before which a record of this item is past its period on `as_of` (local midnight of the
        first day kept): the retention run's cutoff, and the one `audit verify` holds a redaction to."""
        return timezone.make_aware(datetime.combine(self.first_day_kept(as_of), time.min))

    def period_words(self) -> str:
        """The period in words of the active language ("6 years", "6 años")."""
        if self.unit == "days":
            return ngettext("%(n)d day", "%(n)d days", self.amount) % {"n": self.amount}
        return ngettext("%(n)d year", "%(n)d years", self.amount) % {"n": self.amount}


# The retention schedule's floors the policy file may not go under: the accounting of disclosures is kept at
# least six years (the model: 45 CFR 164.530(j)); an access-log event at least a year, the age the database's
# own trigger asks of an event before it lets its row be deleted (custodian.audit.append_only: the database
# can't read this file, so it asks the floor, and `audit verify` the period).
RETENTION_FLOORS = {"disclosure_accounting_years": 6, "access_log_years": 1}
BREACH_FIELDS = (
    "held_reads_per_hour",
    "hold_approval_minutes",
    "representative_customers_per_day",
    "property_manager_customers_per_day",
    "representative_reads_per_customer_per_day",
    "determination_days",
    "notice_days",
    "credit_agencies_over",
    "security_assessment_months",
)
RETENTION_ITEM_FIELDS = ("label", "period", "counts_from", "destroys", "keeps", "schedule", "schedule_item")


@dataclass(frozen=True)
class Policy:
    path: Path
    version: str
    effective_date: date
    published_text: str
    utility: dict
    categories: dict[str, Category]
    purposes: dict[str, Purpose]
    services: dict[str, SupportService]
    self_access_purposes: frozenset[str]
    self_access_categories: frozenset[str]
    system_jobs: dict[str, SystemJob]
    vendor_functions: dict[str, VendorFunction]
    disclosure_bases: dict[str, dict]
    retention: dict[str, int]
    website: dict
    aggregation: dict[str, int]
    notices: dict[str, Notice]
    taxonomy_extensions: dict[str, list[dict]]
    deadlines: dict = field(default_factory=dict)
    retention_schedule: dict[str, RetentionItem] = field(default_factory=dict)
    breach: dict[str, int] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    # [notice_rule]: purposes read whatever a value's notice named (the law requires them), and the purposes
    # of what a person sent unasked (no notice shown before it).
    notice_exempt_purposes: frozenset[str] = frozenset()
    unsolicited_purposes: frozenset[str] = frozenset()
    # [collection_points]: where we collect → the notice shown there; `staff_intake` by request type.
    collection_points: dict[str, str] = field(default_factory=dict)
    staff_intake_notices: dict[str, str] = field(default_factory=dict)
    # Support service → the purposes it may open emergency access for (absent: none).
    emergency_access: dict[str, frozenset[str]] = field(default_factory=dict)
    # Compiled rules: the triples (service, purpose, category) that are allowed.
    service_grants: frozenset[tuple[str, str, str]] = field(repr=False, default=frozenset())
    field_to_category: dict[str, str] = field(repr=False, default_factory=dict)

    def category_for_field(self, field_name: str) -> str | None:
        return self.field_to_category.get(field_name)

    def acts_for(self, services, *purposes: str) -> bool:
        """Whether any of `services` acts for any of `purposes` (the page rules and the selectors ask)."""
        return any(p in self.services[s].purposes for s in services if s in self.services for p in purposes)

    def consent_terms(self, language: str | None = None) -> str:
        """The terms a prior written consent is given under, in `language` (default: the active one) where
        the policy file gives them, else as adopted (English): what a consent shows and keeps."""
        consent = self.disclosure_bases["prior_written_consent"]
        language = language if language is not None else (translation.get_language() or "")
        return consent.get(language[:2], {}).get("terms") or consent["terms"]

    def notice_at(self, point: str, kind: str = "") -> Notice:
        """The notice shown at a collection point (`staff_intake` needs the request type)."""
        key = self.staff_intake_notices[kind] if point == "staff_intake" else self.collection_points[point]
        return self.notices[key]

    def notice_covers(
        self, *, made_by_the_utility: bool, notice_key: str, notice_version: str, purpose: str
    ) -> bool:
        """Whether a value collected so may be read for `purpose` (Minn. Stat. § 13.05 subd. 4): its notice
        named the purpose, or the law requires the read; with no notice shown, only what was sent unasked,
        for answering the person. What the utility made itself (a computed value, a letter, a staff note) was
        collected from nobody (`vault.choices.MADE_BY_THE_UTILITY`, which the caller asks)."""
        if purpose in self.notice_exempt_purposes or made_by_the_utility:
            return True
        if not notice_key:
            return purpose in self.unsolicited_purposes
        notice = self.notices.get(notice_key)
        return notice is not None and purpose in notice.names(notice_version)

    def deadline_words(self) -> dict[str, str]:
        """Minnesota's deadlines of `[deadlines]` in the active language: a data access request's business
        days (§ 13.04 subd. 3) and an accuracy challenge's days (subd. 4), as the portal tells them."""
        access, correction = self.deadlines["data_access_business_days"], self.deadlines["correction_days"]
        return {
            "data_access": ngettext("%(n)d business day", "%(n)d business days", access) % {"n": access},
            "correction": ngettext("%(n)d day", "%(n)d days", correction) % {"n": correction},
        }

    def emergency_purposes(self, services) -> frozenset[str]:
        """The purposes any of `services` may open emergency access for."""
        return frozenset().union(*(self.emergency_access.get(s, frozenset()) for s in services))


def _fides_keys() -> tuple[set[str], set[str]]:

    categories = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
    return categories, uses


def _all_known(names: list, known, path: Path, entry: str, problem: str) -> frozenset[str]:
    """The names, each one defined in `known`; else the policy error naming the first that is not."""
    for name in names:
        if name not in known:
            raise PolicyError(path, entry, f"{problem} `{name}`")
    return frozenset(names)


def _need(raw: dict, key: str, path: Path, entry: str, kind: type | tuple = str):
    if key not in raw:
        raise PolicyError(path, entry, f"missing `{key}`")
    value = raw[key]
    if not isinstance(value, kind):
        raise PolicyError(path, entry, f"`{key}` should be {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def _translations(
    raw: dict, fields: tuple[str, ...], path: Path, entry: str, skip: tuple[str, ...] = ()
) -> dict[str, dict[str, str]]:
    """An entry's sub-tables by language (`[categories.name.es]`), each giving every one of `fields` the
    entry itself gives (a list as long as the English one); every language the site offers besides the
    file's own is required, since a customer reads these words; a language the site does not offer is
    refused, so a typo does not pass for a translation."""
    offered = {code for code, _ in settings.LANGUAGES}
    fields = tuple(f for f in fields if f in raw)
    out = {}
    for language, text in raw.items():
        if not isinstance(text, dict) or language in skip:
            continue
        if language not in offered:
            raise PolicyError(path, f"{entry}.{language}", f"`{language}` is not a language the site offers")
        where = f"{entry}.{language}"
        out[language] = {f: _need(text, f, path, where, type(raw[f])) for f in fields}
        for f in fields:
            if isinstance(raw[f], list) and len(raw[f]) != len(out[language][f]):
                raise PolicyError(path, where, f"`{f}` should give each of the {len(raw[f])} items, in order")
    for language in sorted(offered - {SOURCE_LANGUAGE} - set(out)):
        raise PolicyError(
            path,
            entry,
            f"missing `[{entry}.{language}]`: a customer reads {', '.join(f'`{f}`' for f in fields)} "
            f"in every language the site offers",
        )
    return out


def _extend(path: Path, known: set[str], extensions: list[dict], kind: str) -> None:
    for i, ext in enumerate(extensions):
        entry = f"taxonomy.{kind}[{i}]"
        key = _need(ext, "key", path, entry)
        parent = _need(ext, "parent", path, entry)
        if parent not in known:
            raise PolicyError(path, entry, f"parent `{parent}` of `{key}` is not a fideslang key")
        if not key.startswith(parent + "."):
            raise PolicyError(path, entry, f"`{key}` must sit under its parent `{parent}`")
        known.add(key)


def toml_read(path: Path, *, what: str, error: type[PolicyError] = PolicyError) -> dict:
    """A TOML file of facts the app starts from (`what`: "policy", "tariff"); one missing or not TOML is an
    `error` naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(path, "file", f"the {what} file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(path, "file", f"not valid TOML: {exc}") from None


def load_policy(path: Path) -> Policy:
    path = Path(path)
    raw = toml_read(path, what="policy")

    fides_categories, fides_uses = _fides_keys()
    taxonomy = raw.get("taxonomy", {})
    _extend(path, fides_categories, taxonomy.get("data_categories", []), "data_categories")
    _extend(path, fides_uses, taxonomy.get("data_uses", []), "data_uses")

    meta = _need(raw, "policy", path, "policy", dict)
    version = _need(meta, "version", path, "policy")
    effective = _need(meta, "effective_date", path, "policy", date)
    utility = _need(raw, "utility", path, "utility", dict)
    for key in ("name", "address", "phone", "email", "time_zone", "responsible_authority"):
        _need(utility, key, path, "utility", dict if key == "responsible_authority" else str)
    for i, provider in enumerate(utility.get("energy_assistance", [])):
        if not (
            isinstance(provider, dict)
            and isinstance(provider.get("name"), str)
            and isinstance(provider.get("contact"), str)
            and isinstance(provider.get("confirmed"), bool)
        ):
            raise PolicyError(
                path,
                f"utility.energy_assistance[{i}]",
                "a provider needs `name` and `contact` (text) and `confirmed` (true or false)",
            )
        _translations(provider, PROVIDER_TEXT_FIELDS, path, f"utility.energy_assistance[{i}]")
    _translations(utility["responsible_authority"], ("title",), path, "utility.responsible_authority")
    hours = utility.get("hours")
    if hours is not None and not (
        isinstance(hours, dict)
        and {hours.get("first_day"), hours.get("last_day")} <= set(WEEKDAY_KEYS)
        and isinstance(hours.get("opens"), time)
        and isinstance(hours.get("closes"), time)
    ):
        raise PolicyError(
            path,
            "utility.hours",
            "the office hours need `first_day` and `last_day` (monday … sunday) and `opens` and `closes` "
            "(times such as 08:00:00), so that each language writes them its own way",
        )
    try:
        ZoneInfo(utility["time_zone"])
    except (ValueError, ZoneInfoNotFoundError):
        raise PolicyError(
            path, "utility", f"`time_zone` {utility['time_zone']!r} is not a time zone"
        ) from None

    categories: dict[str, Category] = {}
    for key, c in _need(raw, "categories", path, "categories", dict).items():
        entry = f"categories.{key}"
        fides_key = _need(c, "fides_key", path, entry)
        if fides_key not in fides_categories:
            raise PolicyError(
                path, entry, f"unknown data category `{fides_key}` (not in fideslang nor extended)"
            )
        categories[key] = Category(
            key=key,
            field=_need(c, "field", path, entry),
            fides_key=fides_key,
            label=_need(c, "label", path, entry),
            classification=c.get("classification", "private data on individuals"),
            translations=_translations(c, CATEGORY_TEXT_FIELDS, path, entry),
        )
    fields = [c.field for c in categories.values()]
    if len(set(fields)) != len(fields):
        raise PolicyError(path, "categories", "two categories share one `field`")

    def check_categories(entry: str, names: list) -> frozenset[str]:
        return _all_known(names, categories, path, entry, "undefined category")

    purposes: dict[str, Purpose] = {}
    for key, p in _need(raw, "purposes", path, "purposes", dict).items():
        entry = f"purposes.{key}"
        data_use = _need(p, "data_use", path, entry)
        if data_use not in fides_uses:
            raise PolicyError(path, entry, f"unknown data use `{data_use}` (not in fideslang nor extended)")
        purposes[key] = Purpose(
            key=key,
            label=_need(p, "label", path, entry),
            data_use=data_use,
            description=_need(p, "description", path, entry),
            request_required=_need(p, "request_required", path, entry, bool),
            categories=check_categories(entry, _need(p, "categories", path, entry, list)),
            translations=_translations(p, PURPOSE_TEXT_FIELDS, path, entry),
        )
    missing = [k for k in REQUIRED_PURPOSES if k not in purposes]
    extra = [k for k in purposes if k not in REQUIRED_PURPOSES]
    if missing or extra:
        raise PolicyError(
            path,
            "purposes",
            f"must be exactly the policy's eight uses; missing {missing}, undeclared {extra}",
        )

    for key in REQUEST_DRIVEN_PURPOSES:
        if not purposes[key].request_required:
            raise PolicyError(
                path,
                f"purposes.{key}",
                "`request_required` must be true: the published policy shares customer information among "
                "support services only as necessary to respond to requests",
            )

    def check_purposes(entry: str, names: list) -> frozenset[str]:
        return _all_known(names, purposes, path, entry, "grants undefined purpose")

    services: dict[str, SupportService] = {}
    for key, s in _need(raw, "services", path, "services", dict).items():
        entry = f"services.{key}"
        services[key] = SupportService(
            key=key,
            label=_need(s, "label", path, entry),
            purposes=check_purposes(entry, _need(s, "purposes", path, entry, list)),
            reviews_access=bool(s.get("reviews_access", False)),
            administers_staff=bool(s.get("administers_staff", False)),
            translations=_translations(s, LABEL_TEXT_FIELDS, path, entry),
        )
    missing = [k for k in REQUIRED_SERVICES if k not in services]
    if missing:
        raise PolicyError(path, "services", f"missing support services {missing}")

    self_access = _need(raw, "self_access", path, "self_access", dict)
    system_jobs = {
        key: SystemJob(
            key=key,
            label=_need(j, "label", path, f"system_jobs.{key}"),
            purposes=check_purposes(
                f"system_jobs.{key}", _need(j, "purposes", path, f"system_jobs.{key}", list)
            ),
            api_client=j.get("api_client", False) is True,
        )
        for key, j in raw.get("system_jobs", {}).items()
    }
    for key, j in raw.get("system_jobs", {}).items():
        if not isinstance(j.get("api_client", False), bool):
            raise PolicyError(path, f"system_jobs.{key}", "`api_client` should be true or false")
    emergency_access = {}
    for key, names in _need(raw, "emergency_access", path, "emergency_access", dict).items():
        entry = f"emergency_access.{key}"
        if key not in services:
            raise PolicyError(path, entry, f"`{key}` is not a support service")
        if not isinstance(names, list):
            raise PolicyError(path, entry, f"should be a list of purposes, got {names!r}")
        granted = check_purposes(entry, names)
        for name in names:
            if not purposes[name].request_required:
                raise PolicyError(
                    path,
                    entry,
                    f"`{name}` needs no request: emergency access stands in for a request, so it names "
                    "request-driven purposes only",
                )
        emergency_access[key] = granted
    vendor_functions = {}
    for key, v in _need(raw, "vendor_functions", path, "vendor_functions", dict).items():
        entry = f"vendor_functions.{key}"
        purpose = _need(v, "purpose", path, entry)
        check_purposes(entry, [purpose])
        also_for = v.get("also_for", [])
        if not isinstance(also_for, list):
            raise PolicyError(path, f"{entry}.also_for", "must be a list of purposes")
        check_purposes(f"{entry}.also_for", also_for)
        vendor_functions[key] = VendorFunction(
            key=key,
            label=_need(v, "label", path, entry),
            purpose=purpose,
            identity=_need(v, "identity", path, entry, bool),
            categories=check_categories(entry, _need(v, "categories", path, entry, list)),
            also_for=frozenset(also_for),
            translations=_translations(v, LABEL_TEXT_FIELDS, path, entry),
        )
        for each in (purpose, *also_for):
            if not vendor_functions[key].categories <= purposes[each].categories:
                raise PolicyError(path, entry, f"needs categories its purpose `{each}` does not allow")

    notices = {}
    for key, n in _need(raw, "notices", path, "notices", dict).items():
        entry = f"notices.{key}"
        earlier = n.get("earlier", {})
        if not isinstance(earlier, dict) or n.get("version") in earlier:
            raise PolicyError(path, entry, "`earlier` maps each earlier version to the purposes it named")
        notices[key] = Notice(
            key=key,
            **{f: _need(n, f, path, entry) for f in NOTICE_FIELDS},
            purposes=check_purposes(entry, _need(n, "purposes", path, entry, list)),
            earlier={
                str(v): check_purposes(f"{entry}.earlier.{v}", list(named)) for v, named in earlier.items()
            },
            translations=_translations(n, NOTICE_TEXT_FIELDS, path, entry, skip=("earlier",)),
        )
    notice_rule = raw.get("notice_rule", {})
    notice_exempt = check_purposes("notice_rule", notice_rule.get("exempt_purposes", []))
    unsolicited = check_purposes("notice_rule", notice_rule.get("unsolicited_purposes", []))
    points = dict(raw.get("collection_points", {}))
    staff_intake = points.pop("staff_intake", {})
    for point, key in [*points.items(), *staff_intake.items()]:
        if key not in notices:
            raise PolicyError(path, "collection_points", f"`{point}` names no notice in [notices]: {key!r}")

    website = raw.get("website", {})
    for i, key in enumerate(website.get("categories", [])):
        if key not in fides_categories:
            raise PolicyError(path, f"website.categories[{i}]", f"unknown data category `{key}`")
    _translations(website, ("collects",), path, "website")

    bases = _need(raw, "disclosure_bases", path, "disclosure_bases", dict)
    for key in ("prior_written_consent", "legal_authority"):
        _need(bases, key, path, "disclosure_bases", dict)
    _need(bases["prior_written_consent"], "terms", path, "disclosure_bases.prior_written_consent")
    for key, fields in BASIS_TEXT_FIELDS.items():
        if key in bases:
            entry = f"disclosure_bases.{key}"
            _translations(
                _need(bases, key, path, entry, dict), fields, path, entry, skip=("usage_summaries",)
            )
    releases = _need(bases["legal_authority"], "release_list", path, "disclosure_bases.legal_authority", list)
    policing = bases["legal_authority"].setdefault("law_enforcement_releases", [])
    if not isinstance(policing, list) or not set(policing) <= set(releases):
        raise PolicyError(
            path, "disclosure_bases.legal_authority", "law_enforcement_releases names entries of release_list"
        )
    if "connect_my_data" in bases:
        entry = "disclosure_bases.connect_my_data"
        cmd = _need(bases, "connect_my_data", path, entry, dict)
        # Third parties read for one purpose, only categories it allows; the bills for ESPI usage summaries,
        # when the basis gives them, for their own purpose and its categories only.
        reads = [(entry, cmd)]
        if "usage_summaries" in cmd:
            reads.append((f"{entry}.usage_summaries", _need(cmd, "usage_summaries", path, entry, dict)))
        for where, read in reads:
            purpose = _need(read, "purpose", path, where)
            check_purposes(where, [purpose])
            if not check_categories(where, _need(read, "categories", path, where, list)) <= (
                purposes[purpose].categories
            ):
                raise PolicyError(path, where, f"names categories its purpose `{purpose}` does not allow")
    deadlines = raw.get("deadlines", {})
    for key in ("data_access_business_days", "correction_days"):
        if not isinstance(deadlines.get(key), int):
            raise PolicyError(path, "deadlines", f"`{key}` must be a whole number of days")
    holidays = raw.get("holidays", {}).get("dates", [])
    for i, day in enumerate(holidays):
        if not isinstance(day, date):
            raise PolicyError(path, f"holidays.dates[{i}]", f"{day!r} is not a date (write 2026-12-25)")

    retention = _need(raw, "retention", path, "retention", dict)
    for key, floor in RETENTION_FLOORS.items():
        if not isinstance(retention.get(key), int) or retention[key] < floor:
            raise PolicyError(path, "retention", f"`{key}` must be a whole number, at least {floor}")
    retention_schedule = {}
    for key, item in raw.get("retention_schedule", {}).items():
        entry = f"retention_schedule.{key}"
        values = {f: _need(item, f, path, entry) for f in RETENTION_ITEM_FIELDS}
        period = values["period"]
        amount = retention.get(period)
        unit = "years" if period.endswith("_years") else "days" if period.endswith("_days") else ""
        if not isinstance(amount, int) or amount < 0 or not unit:
            raise PolicyError(
                path, entry, f"`period` must name a number of years or days in [retention]: {period!r}"
            )
        # The access log's events are deleted under the period whose floor the database's own trigger asks
        # (`RETENTION_FLOORS`): another period, of days say, could let the retention run redact what the
        # trigger refuses to delete.
        if key == "access_log" and period != "access_log_years":
            raise PolicyError(path, entry, f"`period` must be `access_log_years`, not {period!r}")
        retention_schedule[key] = RetentionItem(
            key=key,
            amount=amount,
            unit=unit,
            confirmed=_need(item, "confirmed", path, entry, bool),
            note=item.get("note", ""),
            translations=_translations(item, RETENTION_TEXT_FIELDS, path, entry),
            **values,
        )

    breach = _need(raw, "breach", path, "breach", dict)
    for key in BREACH_FIELDS:
        if not isinstance(breach.get(key), int) or breach[key] < 1:
            raise PolicyError(path, "breach", f"`{key}` must be a whole number, at least 1")

    grants = frozenset(
        (service.key, purpose_key, category)
        for service in services.values()
        for purpose_key in service.purposes
        for category in purposes[purpose_key].categories
    )
    utility = {
        **utility,
        "responsible_authority": Worded(utility["responsible_authority"]),
        "energy_assistance": [Worded(p) for p in utility.get("energy_assistance", [])],
    }
    return Policy(
        path=path,
        version=version,
        effective_date=effective,
        published_text=(path.parent / meta.get("published_text", "")).read_text(encoding="utf-8")
        if meta.get("published_text")
        else "",
        utility=utility,
        categories=categories,
        purposes=purposes,
        services=services,
        self_access_purposes=check_purposes(
            "self_access", _need(self_access, "purposes", path, "self_access", list)
        ),
        self_access_categories=check_categories(
            "self_access", _need(self_access, "categories", path, "self_access", list)
        ),
        system_jobs=system_jobs,
        vendor_functions=vendor_functions,
        disclosure_bases={k: Worded(v) if isinstance(v, dict) else v for k, v in bases.items()},
        retention=retention,
        retention_schedule=retention_schedule,
        breach=breach,
        website=Worded(website),
        aggregation=raw.get("aggregation", {"min_customers": 15, "max_share_percent": 15}),
        notices=notices,
        taxonomy_extensions={k: list(v) for k, v in taxonomy.items()},
        deadlines=deadlines,
        holidays=frozenset(holidays),
        notice_exempt_purposes=notice_exempt,
        unsolicited_purposes=unsolicited,
        collection_points=points,
        staff_intake_notices=dict(staff_intake),
        emergency_access=emergency_access,
        service_grants=grants,
        field_to_category={c.field: c.key for c in categories.values()},
    )


@cache
def _load_cached(path: str) -> Policy:
    return load_policy(Path(path))


def current_policy() -> Policy:
    """The policy in force: the file named by settings.CUSTODIAN_POLICY_FILE, loaded once per process."""
    return _load_cached(str(settings.CUSTODIAN_POLICY_FILE))
