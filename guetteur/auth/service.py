"""Organisations, users, log-in and API tokens. Every write is audited."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import passwords, tokens
from guetteur.auth.actor import Actor, system_actor
from guetteur.auth.models import ORGANISATION_KINDS, ROLES, ApiToken, Organisation, User
from guetteur.auth.permissions import USERS_MANAGE, permissions_for
from guetteur.clock import as_utc, utcnow
from guetteur.errors import Conflict, FieldError, InvalidInput, NotFound, Unauthorized
from guetteur.registry import service as registry

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def create_organisation(
    session: Session, *, actor: Actor, slug: str, name: str, kind: str
) -> Organisation:
    """A new organisation of kind marketplace, customs or brand."""
    errors = []
    if not SLUG_RE.match(slug):
        errors.append(FieldError("slug", "lower-case letters, digits and dashes, at most 64"))
    if kind not in ORGANISATION_KINDS:
        errors.append(FieldError("kind", f"must be one of {', '.join(ORGANISATION_KINDS)}"))
    if not name.strip():
        errors.append(FieldError("name", "must not be empty"))
    if errors:
        raise InvalidInput("invalid organisation", errors)
    if get_organisation_by_slug(session, slug=slug) is not None:
        raise Conflict(f"organisation {slug!r} already exists")
    org = Organisation(slug=slug, name=name.strip(), kind=kind)
    session.add(org)
    session.flush()
    _audit(session, actor, "organisation.create", "organisation", org.id, {"slug": slug})
    return org


def get_organisation_by_slug(session: Session, *, slug: str) -> Organisation | None:
    """The organisation with this slug, if any."""
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def get_organisation(session: Session, *, organisation_id: int) -> Organisation | None:
    """The organisation with this id, if any."""
    return session.get(Organisation, organisation_id)


def list_organisations(session: Session, *, kind: str | None = None) -> list[Organisation]:
    """Organisations by name, optionally of one kind."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return list(session.scalars(query))


def marketplace_organisation_id(session: Session) -> int | None:
    """The id of the (first) marketplace organisation: the owner of sellers' personal data."""
    query = select(Organisation.id).where(Organisation.kind == "marketplace")
    return session.scalar(query.order_by(Organisation.id).limit(1))


def create_user(
    session: Session,
    *,
    actor: Actor,
    organisation_id: int,
    email: str,
    display_name: str,
    role: str,
    password: str,
) -> User:
    """A new user of an organisation, with an Argon2-hashed password."""
    email = email.strip().lower()
    errors = []
    if not EMAIL_RE.match(email):
        errors.append(FieldError("email", "not an e-mail address"))
    if role not in ROLES:
        errors.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    weakness = passwords.check_strength(password)
    if weakness:
        errors.append(FieldError("password", weakness))
    if errors:
        raise InvalidInput("invalid user", errors)
    if session.get(Organisation, organisation_id) is None:
        raise NotFound(f"organisation {organisation_id} not found")
    if get_user_by_email(session, email=email) is not None:
        raise Conflict(f"a user with e-mail {email!r} already exists")
    user = User(
        organisation_id=organisation_id,
        email=email,
        display_name=display_name.strip() or email,
        password_hash=passwords.hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    detail = {"email": email, "role": role, "organisation_id": organisation_id}
    _audit(session, actor, "user.create", "user", user.id, detail)
    return user


def get_user_by_email(session: Session, *, email: str) -> User | None:
    """The user with this e-mail (case-insensitive), if any."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_user(session: Session, *, user_id: int) -> User | None:
    """The user with this id, if any."""
    return session.get(User, user_id)


def list_users(session: Session, *, limit: int = 50, offset: int = 0) -> list[User]:
    """Users by e-mail."""
    query = select(User).order_by(User.email).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_users(session: Session) -> int:
    """How many users the node has."""
    return int(session.scalar(select(func.count(User.id))) or 0)


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (the same for every failure)."""
    user = get_user_by_email(session, email=email)
    if user is None or not user.is_active:
        passwords.verify_password(_dummy_hash(), password)  # same time as a real check
        raise Unauthorized("wrong e-mail or password")
    if not passwords.verify_password(user.password_hash, password):
        raise Unauthorized("wrong e-mail or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    _audit(session, actor_for_user(session, user=user), "user.login", "user", user.id, None)
    return user


def actor_for_user(session: Session, *, user: User) -> Actor:
    """The actor a user acts as: its role's permissions and, for a brand, the brands it owns."""
    org = user.organisation
    brand_ids = (
        frozenset(registry.brand_ids_owned_by(session, organisation_id=org.id))
        if org.kind == "brand"
        else frozenset()
    )
    return Actor(
        label=user.email,
        organisation_kind=org.kind,
        role=user.role,
        user_id=user.id,
        organisation_id=org.id,
        brand_ids=brand_ids,
        permissions=permissions_for(role=user.role, organisation_kind=org.kind),
    )


def create_token(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    name: str,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for a user: the row, and the token itself (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("invalid token", [FieldError("name", "1 to 100 characters")])
    if session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} not found")
    secret = tokens.new_token()
    row = ApiToken(
        user_id=user_id,
        name=name,
        prefix=tokens.token_prefix(secret),
        token_hash=tokens.token_hash(secret),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "token.create", "api_token", row.id, {"user_id": user_id, "name": name})
    return row, secret


def actor_for_token(session: Session, *, token: str) -> Actor:
    """The actor a bearer token acts for, or Unauthorized (unknown, revoked, expired, inactive)."""
    row = _live_token(session, token)
    if row is None or not row.user.is_active:
        raise Unauthorized("invalid or expired token")
    now = utcnow()
    last = row.last_used_at
    if last is None or (now - as_utc(last)).total_seconds() > 60:
        row.last_used_at = now  # bookkeeping, not an audited change
        session.flush()
    return actor_for_user(session, user=row.user)


def list_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first (hashes only, never the tokens)."""
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    return list(session.scalars(query.order_by(ApiToken.id.desc())))


def count_tokens(session: Session, *, active_only: bool = True) -> int:
    """How many API tokens exist (by default: not revoked)."""
    query = select(func.count(ApiToken.id))
    if active_only:
        query = query.where(ApiToken.revoked_at.is_(None))
    return int(session.scalar(query) or 0)


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token; users may revoke their own, user managers anyone's (else NotFound)."""
    row = session.get(ApiToken, token_id)
    if row is None or not (row.user_id == actor.user_id or actor.can(USERS_MANAGE)):
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        _audit(session, actor, "token.revoke", "api_token", row.id, {"user_id": row.user_id})
    return row


def assign_brand_owner(
    session: Session, *, brand_id: str, organisation_id: int, actor: Actor | None = None
) -> None:
    """Make a brand organisation the owner of a registry brand (audited)."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"organisation {organisation_id} not found")
    if org.kind != "brand":
        raise InvalidInput(
            "only brand organisations own brands",
            [FieldError("organisation_id", f"organisation {org.slug!r} is a {org.kind}")],
        )
    registry.set_owner(
        session,
        actor=actor or system_actor(),
        brand_id=brand_id,
        organisation_id=organisation_id,
    )


@dataclass(frozen=True)
class DemoLogin:
    """One demo log-in, as printed by `make demo`."""

    email: str
    password: str
    role: str
    organisation: str


def seed_demo_organisations_and_users(
    session: Session,
    *,
    password: str,
    brand_ids: list[str] | None = None,
    max_brand_organisations: int = 3,
    actor: Actor | None = None,
) -> list[DemoLogin]:
    """Demo organisations and one log-in per role; idempotent (existing users keep theirs).

    One brand organisation (with a brand manager) is made per brand in `brand_ids`, by default
    the first `max_brand_organisations` registry brands by id; each owns that brand.
    """
    actor = actor or system_actor("demo")
    market = _ensure_org(session, actor, "marketplace", "Demo Marketplace", "marketplace")
    customs = _ensure_org(session, actor, "customs", "Demo Customs Administration", "customs")
    people = [
        (market, "analyst@marketplace.example", "Marketplace Analyst", "analyst"),
        (market, "admin@marketplace.example", "Marketplace Administrator", "admin"),
        (customs, "officer@customs.example", "Customs Officer", "officer"),
        (customs, "investigator@customs.example", "Customs Investigator", "investigator"),
    ]
    if brand_ids is None:
        brand_ids = [
            b.id for b in registry.list_brands(session, actor=actor, limit=max_brand_organisations)
        ]
    for brand_id in brand_ids:
        brand = registry.get_brand(session, actor=actor, brand_id=brand_id)
        slug = _slug(f"brand-{brand.id}")
        org = _ensure_org(session, actor, slug, brand.name, "brand")
        if brand.owner_organisation_id != org.id:
            assign_brand_owner(session, brand_id=brand.id, organisation_id=org.id, actor=actor)
        people.append(
            (org, f"manager@{slug}.example", f"{brand.name} Brand Manager", "brand_manager")
        )
    logins = []
    for org, email, name, role in people:
        if get_user_by_email(session, email=email) is None:
            create_user(
                session,
                actor=actor,
                organisation_id=org.id,
                email=email,
                display_name=name,
                role=role,
                password=password,
            )
        logins.append(DemoLogin(email=email, password=password, role=role, organisation=org.name))
    return logins


def _ensure_org(session: Session, actor: Actor, slug: str, name: str, kind: str) -> Organisation:
    org = get_organisation_by_slug(session, slug=slug)
    if org is None:
        org = create_organisation(session, actor=actor, slug=slug, name=name, kind=kind)
    return org


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64] or "org"


def _live_token(session: Session, token: str) -> ApiToken | None:
    if not tokens.looks_like_token(token):
        return None
    query = select(ApiToken).where(
        ApiToken.prefix == tokens.token_prefix(token), ApiToken.revoked_at.is_(None)
    )
    now = utcnow()
    for row in session.scalars(query):
        expired = row.expires_at is not None and as_utc(row.expires_at) <= now
        if tokens.matches(token, row.token_hash) and not expired:
            return row
    return None


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, object] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=dict(detail) if detail else None,
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash to spend the same time on unknown e-mails as on known ones."""
    return passwords.hash_password("not-a-real-password")
