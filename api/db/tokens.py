"""Access tokens: made, found by their secret, listed, revoked. Only hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from api.db.tables import tokens

#: The roles a token may have.
ROLES = ("planner", "analyst", "committee")


def new_secret() -> str:
    """Return a new secret token (URL-safe, 256 bits of randomness)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Return the SHA-256 hex digest of a secret, as the database stores it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: its row id and the secret, shown once and never stored."""

    id: int
    secret: str
    role: str
    committee_id: str | None


def create(
    conn: sa.Connection, role: str, committee_id: str | None = None, label: str | None = None
) -> NewToken:
    """Store a new token and return it with its secret.

    Raises
    ------
    ValueError
        For an unknown role, a committee token without a committee, or another role
        with one.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    if role == "committee" and not committee_id:
        raise ValueError("a committee token needs its committee (--committee ID)")
    if role != "committee" and committee_id:
        raise ValueError("only a committee token names a committee")
    secret = new_secret()
    row_id = conn.execute(
        tokens.insert()
        .values(hash=hash_secret(secret), role=role, committee_id=committee_id, label=label)
        .returning(tokens.c.id)
    ).scalar_one()
    return NewToken(row_id, secret, role, committee_id)


def find(conn: sa.Connection, secret: str) -> sa.Row[Any] | None:
    """Return the live (not revoked) token row of a secret, or ``None``."""
    return conn.execute(
        sa.select(tokens).where(tokens.c.hash == hash_secret(secret), tokens.c.revoked_at.is_(None))
    ).first()


def list_all(conn: sa.Connection) -> list[sa.Row[Any]]:
    """Return every token row (secrets are never stored), oldest first."""
    return list(conn.execute(sa.select(tokens).order_by(tokens.c.id)))


def revoke(conn: sa.Connection, token_id: int) -> bool:
    """Revoke a token; return whether a live token was revoked."""
    done = conn.execute(
        tokens.update()
        .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return done.rowcount == 1
