"""Local accounts: who may sign in, with which role, and how sign-in resists guessing.

Passwords are kept only as argon2id hashes (memory-hard; the parameters are
written here and stored in each hash, so they can be raised later and old
hashes still verify and are upgraded at the next sign-in). There is no
default password and no default account: the first admin is created
explicitly (``pledgemap user add``). Repeated failed sign-ins for an account
are slowed down: after :data:`FREE_FAILURES` failures each further attempt
must wait twice as long as the last, up to :data:`MAX_WAIT_SECONDS`, and
every failure is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import PledgemapError, Problem, ValidationError
from .store.base import Store

ROLES = ("admin", "police", "municipality", "housing_company", "public")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 300
# argon2id: 64 MiB of memory, 3 passes, 2 lanes (above OWASP's minimum for argon2id).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)
LOG = logging.getLogger("pledgemap.signin")


class SignInError(PledgemapError):
    """A sign-in that did not succeed; says nothing about whether the account exists."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    password_hash: str
    display_name: str | None = None
    organisation: str | None = None  # the housing company's name as sites record it in ``owner``
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    failed_count: int = 0
    last_failed_at: dt.datetime | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def check_password(password: str, username: str) -> None:
    """Refuse a password that is short or is the username; raises :class:`ValidationError`."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem(f"account {username}", "password",
                                f"is {len(password)} characters long; expected at least {MIN_PASSWORD_LENGTH}"))
    if username.lower() in password.lower():
        problems.append(Problem(f"account {username}", "password", "contains the username; expected something else"))
    if problems:
        raise ValidationError(problems)


def add_user(store: Store, username: str, role: str, password: str, *, organisation: str | None = None,
             display_name: str | None = None) -> Account:
    """Create an account; raises :class:`ValidationError` naming what is wrong, and changes nothing then."""
    label = f"account {username}"
    problems = []
    if not USERNAME.match(username or ""):
        problems.append(Problem(label, "username", "expected 2–64 lower-case letters, digits, '.', '_' or '-'"))
    if role not in ROLES:
        problems.append(Problem(label, "role", f"{role!r} is not a role; expected one of: {', '.join(ROLES)}"))
    if role == "housing_company" and not (organisation or "").strip():
        problems.append(Problem(label, "organisation", "is missing; a housing company account needs the company's "
                                                       "name as its sites give it as owner"))
    if store.get_user(username) is not None:
        problems.append(Problem(label, "username", "is taken; expected a new username"))
    try:
        check_password(password, username or "")
    except ValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    now = _now()
    account = Account(username, role, HASHER.hash(password), display_name, (organisation or "").strip() or None,
                      now, now)
    store.save_user(account)
    return account


def set_password(store: Store, username: str, password: str) -> None:
    account = _existing(store, username)
    check_password(password, username)
    store.save_user(replace(account, password_hash=HASHER.hash(password), updated_at=_now(), failed_count=0,
                            last_failed_at=None))


def remove_user(store: Store, username: str) -> None:
    _existing(store, username)
    store.delete_user(username)


def _existing(store: Store, username: str) -> Account:
    account = store.get_user(username)
    if account is None:
        raise PledgemapError(f"no account {username!r}; 'pledgemap user list' shows the accounts")
    return account


def wait_seconds(failures: int) -> int:
    """How long an account must wait before the next attempt after ``failures`` failed ones in a row.

    >>> [wait_seconds(n) for n in (0, 3, 4, 5, 10, 20)]
    [0, 0, 2, 4, 128, 300]
    """
    if failures <= FREE_FAILURES:
        return 0
    return min(MAX_WAIT_SECONDS, 2 ** (failures - FREE_FAILURES))


def authenticate(store: Store, username: str, password: str, now: dt.datetime | None = None) -> Account:
    """The account if ``password`` is its password; raises :class:`SignInError` otherwise.

    An unknown username is checked against a dummy hash, so a wrong name
    takes as long as a wrong password and the error is the same.
    """
    now = now or _now()
    account = store.get_user(username)
    if account is not None and account.last_failed_at is not None:
        waited = max(0, int((now - account.last_failed_at).total_seconds()))  # a clock set back waits no longer
        retry = min(wait_seconds(account.failed_count), wait_seconds(account.failed_count) - waited)
        if retry > 0:
            LOG.warning("sign-in for %r refused: %d failures, %d s to wait", username, account.failed_count, retry)
            raise SignInError(f"too many failed sign-ins; try again in {retry} seconds", retry_after=retry)
    try:
        HASHER.verify(account.password_hash if account else _dummy_hash(), password)
        if account is None:
            raise VerifyMismatchError()
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        if account is not None:
            store.save_user(replace(account, failed_count=account.failed_count + 1, last_failed_at=now))
        LOG.warning("failed sign-in for %r", username)
        raise SignInError("wrong username or password") from None
    if account.failed_count or HASHER.check_needs_rehash(account.password_hash):
        account = replace(account, failed_count=0, last_failed_at=None,
                          password_hash=HASHER.hash(password) if HASHER.check_needs_rehash(account.password_hash)
                          else account.password_hash)
        store.save_user(account)
    return account


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("pledgemap: no such account")
