"""Local accounts: who may sign in, with which role, and how sign-in resists guessing.

Passwords are kept only as argon2id hashes (memory-hard; the parameters are
written here and stored in each hash, so they can be raised later and old
hashes still verify and are upgraded at the next sign-in). There is no
default password and no default account: the first admin is created
explicitly (``pledgemap user add``), and from then on the store requires
sign-in, even if every account is later removed; the last admin cannot be.

Failed sign-ins are counted per name (whether or not it is an account, so
the answers never tell which names exist), per client address, and per name
from one address. Each attempt is counted before the password is checked, in
one transaction, so parallel guesses cannot share one count. Past a scope's
free failures each further attempt must wait twice as long as the last, up
to :data:`MAX_WAIT_SECONDS`: a name from one address after 3 failures (the
4th attempt waits), an address across names after 30, a name from all
addresses together after 100 (so someone failing on purpose from one address cannot lock an account
out for its owner elsewhere). A browser the name signed in from before
counts apart from all of these (:func:`authenticate`'s ``device``), so
even a flood from the owner's own office network leaves the owner a way in.
``pledgemap user unlock`` forgets a name's failures.
A store that cannot count (read-only, disk full, busy) does not stop a
sign-in: the password check needs no write, so the attempts are then counted
in this process's memory (:class:`MemoryCounts`, said in the log) with the
same waits, and a successful sign-in that cannot update the stored hash
keeps the old one.
At most :data:`HASH_SLOTS` password checks run at once in a process (each
takes 64 MiB), so a flood of sign-ins cannot exhaust the server's memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geodata.errors import PledgemapError, Problem, StoreError, ValidationError
from geodata.records import Account
from geodata.store.base import Store

ROLES = ("admin", "police", "municipality", "housing_company", "public")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
# Failures in a row that answer at once, per scope: (name, address), ("", address), (name, ""); the attempt
# after them waits.
FREE_FAILURES = 3
FREE_FAILURES_PER_ADDRESS = 30
FREE_FAILURES_PER_NAME = 100
MAX_WAIT_SECONDS = 300
HASH_SLOTS = 2
HASH_SLOT_WAIT_SECONDS = 20
SIGN_IN_SETTING = "sign_in"
# argon2id: 64 MiB of memory, 3 passes, 2 lanes (above OWASP's minimum for argon2id).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)
LOG = logging.getLogger("pledgemap.signin")
_hash_slots = threading.BoundedSemaphore(HASH_SLOTS)


class SignInError(PledgemapError):
    """A sign-in that did not succeed; says nothing about whether the account exists."""

    def __init__(self, message: str, retry_after: int | None = None, busy: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.busy = busy  # refused because the server is checking others, not a failure


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_password(password: str, username: str) -> None:
    """Refuse a password that is short or is the username; raises :class:`ValidationError`."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Problem(
                f"account {username}",
                "password",
                f"is {len(password)} characters long; expected at least {MIN_PASSWORD_LENGTH}",
            )
        )
    if username.lower() in password.lower():
        problems.append(Problem(f"account {username}", "password", "contains the username; expected something else"))
    if problems:
        raise ValidationError(problems)


def add_user(
    store: Store,
    username: str,
    role: str,
    password: str,
    *,
    organisation: str | None = None,
    display_name: str | None = None,
) -> Account:
    """Create an account; raises :class:`ValidationError` naming what is wrong, and changes nothing then."""
    label = f"account {username}"
    problems = []
    if not USERNAME.match(username or ""):
        problems.append(Problem(label, "username", "expected 2–64 lower-case letters, digits, '.', '_' or '-'"))
    if role not in ROLES:
        problems.append(Problem(label, "role", f"{role!r} is not a role; expected one of: {', '.join(ROLES)}"))
    if role == "housing_company" and not (organisation or "").strip():
        problems.append(
            Problem(
                label,
                "organisation",
                "is missing; a housing company account needs the company's name as its sites give it as owner",
            )
        )
    if store.get_user(username) is not None:
        problems.append(Problem(label, "username", "is taken; expected a new username"))
    try:
        check_password(password, username or "")
    except ValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    now = _now()
    account = Account(
        username,
        role,
        HASHER.hash(password),
        display_name,
        (organisation or "").strip() or None,
        now,
        now,
        _new_session_key(),
    )
    store.save_user(account)
    if store.read_setting(SIGN_IN_SETTING) != "on":
        store.write_setting(SIGN_IN_SETTING, "on")
    return account


def sign_in_required(store: Store) -> bool:
    """Whether the store has ever had an account: from then on every visitor must sign in."""
    return store.read_setting(SIGN_IN_SETTING) == "on" or bool(store.list_users())


def set_password(store: Store, username: str, password: str) -> None:
    """A new password; every session of the account ends."""
    account = _existing(store, username)
    check_password(password, username)
    store.save_user(
        replace(account, password_hash=HASHER.hash(password), updated_at=_now(), session_key=_new_session_key())
    )
    store.clear_sign_in_failures(username)


def end_sessions(store: Store, username: str) -> None:
    """End every session of the account (sign-out ends them on all devices)."""
    account = store.get_user(username)
    if account is not None:
        store.save_user(replace(account, session_key=_new_session_key()))


def remove_user(store: Store, username: str) -> None:
    """Remove an account; refused for the last admin, who is the only one able to add accounts again."""
    account = _existing(store, username)
    if account.role == "admin" and not [a for a in store.list_users() if a.role == "admin" and a.username != username]:
        raise PledgemapError(
            f"{username} is the last admin; add another admin first ('pledgemap user add NAME "
            "--role admin'), then remove this one"
        )
    store.delete_user(username)


def unlock(store: Store, username: str) -> int:
    """Forget the failed sign-ins of a name (the account's owner may try again at once); how many counters."""
    return store.clear_sign_in_failures(_name_key(username))


def _new_session_key() -> str:
    return secrets.token_hex(32)


def _existing(store: Store, username: str) -> Account:
    account = store.get_user(username)
    if account is None:
        raise PledgemapError(f"no account {username!r}; 'pledgemap user list' shows the accounts")
    return account


def wait_seconds(failures: int, free: int = FREE_FAILURES) -> int:
    """How long a scope must wait before the next attempt after ``failures`` failed ones in a row.

    ``failures`` is the count from before this attempt (the store checks the wait, then counts the attempt):
    the first ``free`` attempts answer at once, the one after them waits 2 seconds, each later one twice as
    long as the last.

    >>> [wait_seconds(n) for n in (0, 2, 3, 4, 10, 20)]
    [0, 0, 2, 4, 256, 300]
    """
    if failures < free:
        return 0
    return min(MAX_WAIT_SECONDS, 2 ** min(failures - free + 1, 30))


def _name_key(username: str) -> str:
    # What was typed, as it is compared: the same for "Anna " and "anna", bounded in length.
    return username.strip().lower()[:64]


def _retry_after(now: dt.datetime):
    def retry(scope: tuple[str, str], failures: int, last_at: dt.datetime) -> int:
        name, address = scope
        free = FREE_FAILURES if name and address else FREE_FAILURES_PER_NAME if name else FREE_FAILURES_PER_ADDRESS
        wait = wait_seconds(failures, free)
        waited = max(0, int((now - last_at).total_seconds()))  # a clock set back waits no longer than the wait
        return max(0, min(wait, wait - waited))

    return retry


class MemoryCounts:
    """Failed sign-ins counted in this process's memory, for when the store cannot count them.

    The same contract as the store's counters (:class:`geodata.store.interface.SignInStore`'s
    ``begin_sign_in`` and ``end_sign_in``), for one process only: each worker of a server counts apart.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], tuple[int, dt.datetime]] = {}

    def begin_sign_in(
        self,
        scopes: list[tuple[str, str]],
        now: dt.datetime,
        retry_after: Callable[[tuple[str, str], int, dt.datetime], int],
    ) -> int:
        with self._lock:
            old = now - dt.timedelta(days=1)
            for scope in [s for s, (_, last_at) in self._counts.items() if last_at < old]:
                del self._counts[scope]
            wait = max(
                (retry_after(scope, *self._counts[scope]) for scope in scopes if scope in self._counts), default=0
            )
            if wait > 0:
                return wait
            for scope in scopes:
                self._counts[scope] = (self._counts.get(scope, (0, now))[0] + 1, now)
            return 0

    def end_sign_in(self, clear: list[tuple[str, str]], release: list[tuple[str, str]]) -> None:
        with self._lock:
            for scope in clear:
                self._counts.pop(scope, None)
            for scope in release:
                if scope in self._counts:
                    failures, last_at = self._counts[scope]
                    self._counts[scope] = (max(0, failures - 1), last_at)

    def failures(self, scope: tuple[str, str]) -> int:
        """Failed sign-ins in a row counted for ``scope`` here."""
        with self._lock:
            return self._counts.get(scope, (0, None))[0]


_memory_counts = MemoryCounts()


def _begin(store: Store, scopes, now: dt.datetime) -> tuple[int, Store | MemoryCounts]:
    """Count the attempt in the store, or in memory when the store cannot count it; the wait and the counter."""
    try:
        return store.begin_sign_in(scopes, now, _retry_after(now)), store
    except StoreError as exc:
        LOG.warning("sign-in attempts counted in this process's memory, as the store cannot count them: %s", exc)
        return _memory_counts.begin_sign_in(scopes, now, _retry_after(now)), _memory_counts


def _end(counter: Store | MemoryCounts, clear: list[tuple[str, str]], release: list[tuple[str, str]]) -> None:
    try:
        counter.end_sign_in(clear=clear, release=release)
    except StoreError as exc:  # counted in the store, which cannot write now: the count stays, as a failure
        LOG.warning("a sign-in's count could not be taken back: %s", exc)


def authenticate(
    store: Store,
    username: str,
    password: str,
    address: str = "",
    device: str | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """The account if ``password`` is its password; raises :class:`SignInError` otherwise.

    ``address`` is the client's address, for the per-address counts. An
    unknown username is checked against a dummy hash and counted like a
    known one, so a wrong name takes as long as a wrong password and every
    answer, including the waits, is the same. ``device`` identifies a
    browser this name signed in from before (a signed cookie the sign-in
    page keeps): its attempts count only against that name on that device,
    so others failing on purpose, from the same office network or from
    everywhere, cannot lock the owner out.
    """
    now = now or _now()
    name, address = _name_key(username), address or "unknown"
    scopes = [(name, f"device {device}")] if device else [(name, address), ("", address), (name, "")]
    retry, counter = _begin(store, scopes, now)
    if retry > 0:
        LOG.warning("sign-in for %r from %s refused: %d s to wait", name, address or "?", retry)
        raise SignInError(f"too many failed sign-ins; try again in {retry} seconds", retry_after=retry)
    account = store.get_user(name)
    if not _hash_slots.acquire(timeout=HASH_SLOT_WAIT_SECONDS):
        _end(counter, clear=[], release=scopes)  # not checked, so not a failure
        LOG.warning("sign-in for %r from %s refused: every password check busy", name, address or "?")
        raise SignInError(
            "the server is busy checking other sign-ins; try again in a few seconds", retry_after=5, busy=True
        )
    try:
        HASHER.verify(account.password_hash if account else _dummy_hash(), password)
        if account is None:
            raise VerifyMismatchError()
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        LOG.warning("failed sign-in for %r from %s", name, address or "?")
        raise SignInError("wrong username or password") from None
    finally:
        _hash_slots.release()
    _end(counter, clear=[scopes[0], (name, "")], release=[] if device else [("", address)])
    if HASHER.check_needs_rehash(account.password_hash):
        upgraded = replace(account, password_hash=HASHER.hash(password))
        try:
            store.save_user(upgraded)
            account = upgraded
        except StoreError as exc:  # the old hash still verifies; it is upgraded at a later sign-in
            LOG.warning("the password hash of %r is kept as it is for now: %s", name, exc)
    return account


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("pledgemap: no such account")
