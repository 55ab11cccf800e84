"""Reading a file to import in a worker process, within a time and a memory limit.

Parsing a file someone uploaded is the dangerous part of an import: a
GeoPackage whose layer is an endlessly recursive view, or a workbook of ten
million empty rows, keeps a reader busy for ever or takes the server's
memory. :func:`run_bounded` runs such a read in a child process whose address
space is capped (``RLIMIT_AS``) and which the parent kills when its time is
up; the caller gets the child's answer or an :class:`ImportFileError` saying
which limit was passed and how to split the file. Nothing is written either
way: a read writes nothing.

The children come from a *forkserver*, not from ``fork``: forking a
multi-threaded web server copies its locks in whatever state other threads
hold them. The forkserver is a fresh interpreter started once per server
process, with :mod:`geodata.io.readers` (geopandas, GDAL) imported already,
so a read does not pay for those imports each time.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from geodata.errors import ImportFileError, PledgemapError

log = logging.getLogger(__name__)

T = TypeVar("T")

# What the forkserver imports once, so that each child starts with them in memory.
PRELOAD = ("geodata.io.readers", "geodata.io", "geodata.io.survey_import")


@dataclass(frozen=True)
class WorkLimits:
    """How long, and with how much memory, one file may be read.

    ``memory_bytes`` is what the read may add to the reader process's own
    size (the interpreter and the libraries it starts with, about 0.5 GB of
    address space). The defaults fit the largest file the row and size
    limits let through (:class:`~geodata.io.readers.ImportLimits`) with
    room to spare on a small server.
    """

    seconds: float = 120.0
    memory_bytes: int = 3_000_000_000


_lock = threading.Lock()
_context: Any = None


def _forkserver() -> Any:
    """The multiprocessing context of this process's forkserver, told once what to preload."""
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(PRELOAD))
            _context = context
        return _context


def run_bounded(function: Callable[..., T], args: tuple[Any, ...], name: str, limits: WorkLimits = WorkLimits()) -> T:
    """``function(*args)`` run in a worker process within ``limits``; ``name`` is the file's name, for messages.

    ``function`` must be importable by name (a module's top-level function)
    and its arguments and answer picklable. A :class:`PledgemapError` it
    raises is raised here as it was; a read that passes its time is killed
    and raises :class:`ImportFileError` ``too_slow``, one that runs out of
    memory ``too_much_memory``; a reader that dies without an answer
    ``read_stopped``, and any other error ``not_readable`` (its traceback
    logged). Returns once the worker is gone: no process is left behind.
    """
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, function, args, limits.memory_bytes), name=f"pledgemap-read {name}", daemon=True
    )
    started = time.monotonic()
    process.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            log.warning("%s: reading passed its %g s limit; the reader was stopped", name, limits.seconds)
            raise ImportFileError(
                f"{name}: reading the file took longer than {limits.seconds:g} s, the limit for one file; nothing "
                "was written (split it into smaller files, or save it again as a plain table or layer)",
                "too_slow",
                file=name,
                seconds=limits.seconds,
            )
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            kind, payload = "stopped", None
    finally:
        receiver.close()
        code = _end(process)
    log.info("%s: read in a worker in %.2f s", name, time.monotonic() - started)
    if kind == "ok":
        return payload
    if kind == "error":
        raise _rebuilt(*payload)
    mb = round(limits.memory_bytes / 1e6)
    if kind == "memory":
        raise ImportFileError(
            f"{name}: reading the file needed more than {mb} MB of memory, the limit for one file; nothing was "
            "written (split it into smaller files)",
            "too_much_memory",
            file=name,
            mb=mb,
        )
    if kind == "crash":
        log.error("%s: the reader failed:\n%s", name, payload)
        raise ImportFileError(
            f"{name}: the file cannot be read ({payload.strip().splitlines()[-1]}); expected GeoPackage, GeoJSON, "
            "zipped Shapefile, KML, CSV or XLSX",
            "not_readable",
            file=name,
        )
    log.error("%s: the reader stopped without an answer (exit code %s)", name, code)
    raise ImportFileError(
        f"{name}: the reader stopped without an answer (it may have needed more than the {mb} MB of memory "
        "one file may use); nothing was written (split it into smaller files)",
        "read_stopped",
        file=name,
        mb=mb,
    )


def _end(process: Any) -> int | None:
    """Stop the worker and its process group if it still runs, and wait for it: no process stays behind."""
    process.join(1.0)
    if process.exitcode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()  # not yet its own group leader
        process.join()
    return process.exitcode


def _child(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int) -> None:
    """The worker: its own process group (so all of it can be stopped), its memory capped, one answer sent."""
    os.setpgid(0, 0)
    with open("/proc/self/statm") as statm:
        own = int(statm.read().split()[0]) * resource.getpagesize()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = own + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        answer = ("memory", None)
    except PledgemapError as exc:
        # A reader that words a parser's failure as its own error may have met the memory limit underneath.
        answer = ("memory", None) if _ran_out(exc) else ("error", (type(exc), str(exc), dict(exc.__dict__)))
    except Exception as exc:
        answer = ("memory", None) if _ran_out(exc) else ("crash", traceback.format_exc())
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("memory", None))
    sender.close()


def _ran_out(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while handling a :class:`MemoryError` (``raise ... from None`` keeps the context)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, MemoryError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _rebuilt(kind: type[PledgemapError], message: str, state: dict[str, Any]) -> PledgemapError:
    """The child's error as it was raised there (its code, parameters or problems kept), whatever its constructor."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
