"""Sign-in through OpenID Connect (authorisation code with PKCE, via Authlib), sessions and roles.

The session is a signed cookie holding who the person is, their grant and when they were last
seen, so any instance behind a load balancer can answer any request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from authlib.integrations.starlette_client import OAuth
from starlette.requests import Request

from config.settings import Settings, web_secret

from .access import Grant, Rule, grant_for


@dataclass(frozen=True)
class Person:
    identity: str  # the email claim, else sub: what the audit trail and access log name
    grant: Grant


class SignInNeeded(Exception):
    """No session, or it has been idle too long."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


def oidc_client(settings: Settings) -> OAuth:
    oauth = OAuth()
    oauth.register(
        name="idp",
        client_id=settings.oidc_client_id,
        client_secret=web_secret(settings, "oidc_client_secret"),
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        if settings.oidc_issuer
        else None,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return oauth


def person_from_claims(claims: dict, settings: Settings, rules: list[Rule]) -> Person | None:
    identity = claims.get(settings.oidc_email_claim) or claims.get("sub")
    groups = claims.get(settings.oidc_groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(identity, str):
        return None
    grant = grant_for(rules, identity, [str(g) for g in groups])
    return None if grant is None else Person(identity, grant)


def sign_in(request: Request, person: Person, clock: Callable[[], float]) -> None:
    request.session.clear()
    request.session["user"] = {
        "identity": person.identity,
        "role": person.grant.role,
        "establishments": sorted(person.grant.establishments),
    }
    request.session["seen"] = clock()


def current_person(request: Request, idle_seconds: float, clock: Callable[[], float] = time.time) -> Person:
    user, seen = request.session.get("user"), request.session.get("seen")
    if not user or not isinstance(seen, int | float) or clock() - seen > idle_seconds:
        request.session.clear()
        raise SignInNeeded
    request.session["seen"] = clock()
    return Person(user["identity"], Grant(user["role"], frozenset(user["establishments"])))


def safe_next(path: object) -> str:
    """Only a path on this site, so the sign-in cannot be used to send someone elsewhere."""
    if isinstance(path, str) and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"
