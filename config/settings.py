"""One settings object, read from ``MAPPA_*`` environment variables.

It fails loudly and specifically on a bad value, and never echoes a secret back:
passwords are ``SecretStr`` and validation errors hide their input.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from notifications.addresses import syntax_problem

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message names the variable."""


def data_dir() -> Path:
    return Path.cwd() / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAPPA_", frozen=True, extra="ignore")

    data_dir: Path = Field(
        default_factory=data_dir, description="Folder for the default database, mail and Prefect home"
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: a SQLite file in the data folder")
    policy_file: Path | None = Field(None, description="TOML file overriding the shipped chase policy")
    mail_transport: Literal["file", "smtp", "console", "memory", "notify"] = "file"
    mail_dir: Path | None = Field(None, description="Where the file transport writes .eml files")
    mail_from: str = "mappa-tracker@justice.gov.uk"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_password_file: Path | None = None
    smtp_timeout: float = Field(20.0, gt=0, le=600)
    smtp_credentials_block: str | None = Field(None, description="Name of a prefect-email EmailServerCredentials block")
    allowed_recipient_domains: Annotated[tuple[str, ...], NoDecode] = (
        "justice.gov.uk",
        "probation.gov.uk",
        "hmpps.gov.uk",
    )
    drop_dir: Path | None = Field(None, description="Drop folder the import flow picks feeds up from")
    data_problem_threshold: int = Field(50, ge=0, description="Fail the nightly run when more data problems than this")
    data_problems_to: str | None = Field(
        None, description="National mailbox for data problems of cases whose establishment is unknown"
    )
    # The HMPPS API sync (feeds/hmpps): where the services are, who we are, and how hard we may press them.
    hmpps_auth_url: str | None = Field(None, description="HMPPS Auth base URL, ending /auth")
    prisoner_search_url: str | None = Field(None, description="Prisoner Search API base URL")
    probation_api_url: str | None = Field(None, description="The probation integration API base URL")
    hmpps_client_id: str | None = None
    hmpps_client_secret: SecretStr | None = None
    hmpps_client_secret_file: Path | None = None
    hmpps_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for one API answer")
    hmpps_max_concurrency: int = Field(8, ge=1, le=64, description="API calls in flight at once")
    hmpps_max_rate: float = Field(20.0, gt=0, le=1000, description="API calls per second, at most")
    hmpps_retries: int = Field(4, ge=0, le=10, description="Retries of one call on 5xx, 429 and timeouts")
    hmpps_backoff: float = Field(0.5, ge=0, le=60, description="Seconds before the first retry of a call; doubles")
    hmpps_task_retry_delay: float = Field(60.0, ge=0, le=3600, description="Seconds before a failed prison is retried")
    # The weekly compliance report (docs/report.md): the national copy, to the MAPPA Strategic Management Board.
    report_national_to: str | None = Field(None, description="Address the national weekly compliance report goes to")
    # GOV.UK Notify (MAPPA_MAIL_TRANSPORT=notify): one generic template, the key from a setting or a file.
    notify_api_key: SecretStr | None = None
    notify_api_key_file: Path | None = None
    notify_base_url: str = Field("https://api.notifications.service.gov.uk", description="The Notify API")
    notify_template_id: str | None = Field(None, description="The generic template: subject ((subject)), body ((body))")
    notify_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for one Notify answer")
    notify_max_per_minute: int = Field(2400, ge=1, le=3000, description="Sends per minute, at most (Notify: 3,000)")
    # The web pages for OMU staff (cli/web): single sign-on through OpenID Connect, who may do what, sessions.
    oidc_issuer: str | None = Field(None, description="OpenID provider issuer URL; discovery at /.well-known/...")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_client_secret_file: Path | None = None
    oidc_email_claim: str = Field("email", min_length=1, description="ID token claim matched against [[user]] email")
    oidc_groups_claim: str = Field("groups", min_length=1, description="ID token claim matched against [[group]]")
    web_access_file: Path | None = Field(None, description="TOML file of [[user]] and [[group]] access rules")
    web_secret_key: SecretStr | None = None
    web_secret_key_file: Path | None = None
    web_idle_minutes: int = Field(480, ge=1, le=7 * 24 * 60, description="Minutes idle before signing in again")

    @model_validator(mode="after")
    def check_web(self) -> Settings:
        for name in ("oidc_client_secret", "web_secret_key"):
            if getattr(self, name) is not None and getattr(self, f"{name}_file") is not None:
                raise ValueError(f"set MAPPA_{name.upper()} or MAPPA_{name.upper()}_FILE, not both")
            path = getattr(self, f"{name}_file")
            if path is not None and not path.is_file():
                raise ValueError(f"MAPPA_{name.upper()}_FILE {path} is not a readable file")
        return self

    @field_validator("allowed_recipient_domains", mode="before")
    @classmethod
    def split_domains(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        domains = tuple(str(part).strip().lower() for part in value if str(part).strip())
        for domain in domains:
            if not DOMAIN.match(domain):
                raise ValueError(f"{domain!r} is not a domain name")
        return domains

    @field_validator("mail_from")
    @classmethod
    def one_plain_address(cls, value: str) -> str:
        if syntax_problem(value):
            raise ValueError("must be one plain e-mail address like tracker@justice.gov.uk")
        return value

    @model_validator(mode="after")
    def check_smtp(self) -> Settings:
        if self.smtp_password is not None and self.smtp_password_file is not None:
            raise ValueError("set MAPPA_SMTP_PASSWORD or MAPPA_SMTP_PASSWORD_FILE, not both")
        if self.smtp_password_file is not None and not self.smtp_password_file.is_file():
            raise ValueError(f"MAPPA_SMTP_PASSWORD_FILE {self.smtp_password_file} is not a readable file")
        if self.mail_transport == "smtp" and self.smtp_security == "none" and self.smtp_host not in LOOPBACK_HOSTS:
            raise ValueError("MAPPA_SMTP_SECURITY=none is only allowed for a loopback MAPPA_SMTP_HOST")
        return self

    @model_validator(mode="after")
    def check_hmpps(self) -> Settings:
        if self.hmpps_client_secret is not None and self.hmpps_client_secret_file is not None:
            raise ValueError("set MAPPA_HMPPS_CLIENT_SECRET or MAPPA_HMPPS_CLIENT_SECRET_FILE, not both")
        if self.hmpps_client_secret_file is not None and not self.hmpps_client_secret_file.is_file():
            raise ValueError(f"MAPPA_HMPPS_CLIENT_SECRET_FILE {self.hmpps_client_secret_file} is not a readable file")
        return self

    @model_validator(mode="after")
    def check_notify(self) -> Settings:
        if self.notify_api_key is not None and self.notify_api_key_file is not None:
            raise ValueError("set MAPPA_NOTIFY_API_KEY or MAPPA_NOTIFY_API_KEY_FILE, not both")
        if self.notify_api_key_file is not None and not self.notify_api_key_file.is_file():
            raise ValueError(f"MAPPA_NOTIFY_API_KEY_FILE {self.notify_api_key_file} is not a readable file")
        if self.mail_transport == "notify":
            if self.notify_api_key is None and self.notify_api_key_file is None:
                raise ValueError("MAPPA_MAIL_TRANSPORT=notify needs MAPPA_NOTIFY_API_KEY or MAPPA_NOTIFY_API_KEY_FILE")
            if not self.notify_template_id:
                raise ValueError("MAPPA_MAIL_TRANSPORT=notify needs MAPPA_NOTIFY_TEMPLATE_ID")
        return self

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'mappa.db'}"

    @property
    def mail_folder(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"

    def smtp_secret(self) -> str | None:
        """The SMTP password, read at the moment of use so it never sits in a log line."""
        if self.smtp_password_file is not None:
            return self.smtp_password_file.read_text().strip()
        return self.smtp_password.get_secret_value() if self.smtp_password else None


def hmpps_secret(settings: Settings) -> str | None:
    """The HMPPS client secret, read at the moment of use so it never sits in a log line."""
    if settings.hmpps_client_secret_file is not None:
        return settings.hmpps_client_secret_file.read_text().strip()
    return settings.hmpps_client_secret.get_secret_value() if settings.hmpps_client_secret else None


def notify_secret(settings: Settings) -> str | None:
    """The Notify API key, read at the moment of use so it never sits in a log line."""
    if settings.notify_api_key_file is not None:
        return settings.notify_api_key_file.read_text().strip()
    return settings.notify_api_key.get_secret_value() if settings.notify_api_key else None


def describe(error: ValidationError) -> str:
    """Name each bad variable and why, without repeating the value (it may be a secret)."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in problem["loc"]) or "settings"
        name = f"MAPPA_{field.upper()}" if problem["loc"] else "settings"
        lines.append(f"{name}: {problem['msg']}")
    return "invalid settings:\n  " + "\n  ".join(lines)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def web_secret(settings: Settings, name: str) -> str | None:
    """`oidc_client_secret` or `web_secret_key`, read at the moment of use so it never sits in a log line."""
    path = getattr(settings, f"{name}_file")
    if path is not None:
        return path.read_text().strip()
    value = getattr(settings, name)
    return value.get_secret_value() if value else None
