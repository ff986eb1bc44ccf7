"""The chase policy: who is chased, when, and who hears about it.

Loaded from TOML: the shipped `default_policy.toml`, an optional file deep-merged
over it, and `[establishments.XXX]` tables deep-merged over that per prison.
Validation is strict (unknown keys are errors) and every message names the file
and the key, because a policy typo silently changing who gets chased is worse
than a nightly run that refuses to start.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, StrictInt, ValidationError, field_validator
from pydantic_core import ErrorDetails

from rules.steps import Step

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.toml")
Role = Literal["com", "spo", "pdu_mailbox", "head_of_pdu", "mappa_coordinator", "omu_mailbox", "head_of_omu"]
ROLES: tuple[str, ...] = get_args(Role)
ESTABLISHMENT_CODE = re.compile(r"^[A-Z]{3}$")
Count = Annotated[StrictInt, Field(ge=0)]


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DatePolicy(_Strict):
    request_months_before_release: Annotated[StrictInt, Field(ge=1)]
    reminder_months_before_release: Count
    reminder_min_working_days_after_request: Annotated[StrictInt, Field(ge=1)]
    final_warning_working_days_before_release: Count
    friday_release_days: Annotated[StrictInt, Field(ge=0, le=2)]  # the law allows at most 2


class DeliveryPolicy(_Strict):
    digest: StrictBool


class SyncPolicy(_Strict):
    """Who the HMPPS sync asks probation about, and which prison alerts identify MAPPA."""

    horizon_months: Annotated[StrictInt, Field(ge=1, le=36)] = 8
    recheck_days: Annotated[StrictInt, Field(ge=1, le=31)] = 7
    # NOMIS alert codes (type P) -> the MAPPA category (PC1-3) or level (PL1-3) they identify.
    mappa_category_alerts: dict[str, Annotated[StrictInt, Field(ge=1, le=4)]] = {"PC1": 1, "PC2": 2, "PC3": 3}
    mappa_level_alerts: dict[str, Annotated[StrictInt, Field(ge=1, le=3)]] = {"PL1": 1, "PL2": 2, "PL3": 3}


class Recipients(_Strict):
    to: tuple[Role, ...] = Field(min_length=1)
    cc: tuple[Role, ...] = ()


class ResolvedRecipients(_Strict):
    cc: tuple[Role, ...] = ()  # "to" is whoever the chase reached, not configurable


class Rung(Recipients):
    step: str
    working_days_after_due: Annotated[StrictInt, Field(gt=0)]


class Steps(_Strict):
    request: Recipients
    reminder: Recipients
    final_warning: Recipients = Field(alias=Step.FINAL_WARNING)
    released_unconfirmed: Recipients = Field(alias=Step.RELEASED_UNCONFIRMED)
    resolved: ResolvedRecipients


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ProblemPolicy(_Strict):
    # An HMPPS-synced establishment's cases are blocked when its last good sync is older than this.
    stale_after_nights: Annotated[StrictInt, Field(ge=1)] = 2
    # The data-problems digest reminds the OMU of every problem still open on this day of the week.
    reminder_weekday: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]


class NotifyPolicy(_Strict):
    """GOV.UK Notify (MAPPA_MAIL_TRANSPORT=notify): Notify's reply-to id for the OMU mailbox, templates by step."""

    reply_to_id: str = ""  # "" = the service's default reply-to address
    # Step (or notice kind) -> a Notify template id used instead of MAPPA_NOTIFY_TEMPLATE_ID; it must have
    # the same ((subject)) and ((body)) placeholders.
    template_ids: dict[str, str] = {}


# The weekly compliance report (docs/report.md): the on-time rate it measures each group against.
class ReportPolicy(_Strict):
    on_time_target: Annotated[float, Field(ge=0, le=1)] = 0.9


class Policy(_Strict):
    dates: DatePolicy
    delivery: DeliveryPolicy
    steps: Steps
    ladder: tuple[Rung, ...] = Field(min_length=1)
    problems: ProblemPolicy = ProblemPolicy()
    sync: SyncPolicy = SyncPolicy()
    notify: NotifyPolicy = NotifyPolicy()
    report: ReportPolicy = ReportPolicy()
    _recipients: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = PrivateAttr(default_factory=dict)
    _offsets: tuple[tuple[str, int], ...] = PrivateAttr(default=())

    @field_validator("ladder")
    @classmethod
    def _rungs_in_order(cls, ladder: tuple[Rung, ...]) -> tuple[Rung, ...]:
        for number, rung in enumerate(ladder, start=1):
            if rung.step != Step.escalation(number):
                raise ValueError(f"rung {number} is named {rung.step!r}; rungs must be escalation-1..n in order")
            if number > 1 and rung.working_days_after_due <= ladder[number - 2].working_days_after_due:
                raise ValueError(
                    f"{rung.step} ({rung.working_days_after_due} wd) must come strictly after "
                    f"{Step.escalation(number - 1)} ({ladder[number - 2].working_days_after_due} wd)"
                )
        return ladder

    def model_post_init(self, _context: Any) -> None:
        s = self.steps
        table = {
            Step.REQUEST: s.request,
            Step.REMINDER: s.reminder,
            **{Step(r.step): r for r in self.ladder},
            Step.FINAL_WARNING: s.final_warning,
            Step.RELEASED_UNCONFIRMED: s.released_unconfirmed,
        }
        self._recipients = {step: (tuple(r.to), tuple(r.cc)) for step, r in table.items()}
        self._recipients[Step.RESOLVED] = ((), tuple(s.resolved.cc))
        self._offsets = tuple((Step(r.step), r.working_days_after_due) for r in self.ladder)

    def escalation_offsets(self) -> tuple[tuple[str, int], ...]:
        """The ladder as (step, working days after the due date), lowest rung first."""
        return self._offsets

    def recipients(self, step: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(to roles, cc roles) for a step; "resolved" has no configured "to"."""
        try:
            return self._recipients[step]
        except KeyError:
            raise KeyError(f"no step {step!r} in this policy") from None


class PolicyBook:
    """The base policy and each establishment's overridden copy, all validated up front."""

    def __init__(self, base: Policy, establishments: dict[str, Policy] | None = None):
        self.base = base
        self._establishments = dict(establishments or {})

    def for_establishment(self, code: str | None) -> Policy:
        return self._establishments.get((code or "").upper(), self.base)

    @property
    def establishments(self) -> tuple[str, ...]:
        return tuple(sorted(self._establishments))


def load_policy(path: str | Path | None = None) -> PolicyBook:
    """The shipped default, with the file at `path` (if any) deep-merged over it."""
    raw = _read(DEFAULT_POLICY_FILE)
    source = DEFAULT_POLICY_FILE
    if path is not None:
        source = Path(path)
        raw = deep_merge(raw, _read(source))
    overrides = raw.pop("establishments", {})
    if not isinstance(overrides, dict):
        raise PolicyError(f"{source}: establishments: must be a table of establishment codes")
    base = _validate(raw, source, "")
    book = {}
    for code, override in overrides.items():
        if not ESTABLISHMENT_CODE.match(code):
            raise PolicyError(f"{source}: establishments.{code}: an establishment code is 3 capital letters")
        if not isinstance(override, dict):
            raise PolicyError(f"{source}: establishments.{code}: must be a table")
        book[code] = _validate(deep_merge(raw, override), source, f"establishments.{code}.")
    return PolicyBook(base, book)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (numbers, lists, the ladder) is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML ({error})") from None


def _validate(raw: dict[str, Any], source: Path, prefix: str) -> Policy:
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        # a list holding a bad role also fails its length check: report the role only
        problems = [
            p
            for p in problems
            if p["type"] != "too_short"
            or not any(q is not p and q["loc"][: len(p["loc"])] == p["loc"] for q in problems)
        ]
        lines = [f"{source}: {prefix}{_key(p['loc'])}: {_reason(p)}" for p in problems]
        raise PolicyError("invalid chase policy:\n  " + "\n  ".join(lines)) from None


def _key(loc: tuple[int | str, ...]) -> str:
    # rungs are numbered from 1 as in the messages; positions inside role lists
    # add nothing (the message quotes the bad role)
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            if parts and parts[-1] == "ladder":
                parts[-1] = f"ladder[{part + 1}]"
            continue
        parts.append(str(part))
    return ".".join(parts) or "(top level)"


def _reason(problem: ErrorDetails) -> str:
    kind, value = problem["type"], problem.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing key"
    if kind == "too_short":
        return "must name at least one role"
    if kind == "literal_error":
        return f"unknown role {value!r} (roles: {', '.join(ROLES)})"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal"):
        return f"{problem['msg'].replace('Input should be', 'must be')}, got {value!r}"
    return str(problem["msg"]).removeprefix("Value error, ")
