"""Run CPU-bound work on author text (rendering) in a forked child, under a time and memory budget.

Why a child process: Python cannot stop a thread, and an alarm signal only works in the main
thread and bounds neither memory nor a crash in a C extension. A forked child is killed at the
deadline, runs under an address-space limit, and a stack overflow inside a C library takes down
only the child. It shares the parent's memory copy-on-write, so nothing is pickled on the way in;
results come back pickled through a pipe. One child renders a whole batch (a content tree): a
fork costs ~10 ms, and the deadline applies to each item separately.
"""

import contextlib
import gc
import logging
import os
import pickle
import resource
import select
import signal
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)
HEADER = struct.Struct("!Q")


@dataclass(frozen=True)
class Overrun:
    """An item that did not finish within its budget, or raised."""

    kind: str  # "time", "memory", "recursion", "error" or "crash"
    detail: str = ""


def run_bounded(func: Callable[[Any], Any], items: Sequence, *, seconds: float,
                memory_mb: int) -> list:
    """``func(item)`` for each item, in order: its result, or an Overrun. ``seconds <= 0`` runs
    in this process without a deadline (where fork is missing, or an operator turned it off)."""
    if seconds <= 0 or not hasattr(os, "fork"):
        return [_attempt(func, item)[1] for item in items]
    results: list = []
    while len(results) < len(items):
        results.extend(_batch(func, items[len(results):], seconds, memory_mb))
    return results


def _attempt(func: Callable[[Any], Any], item: Any) -> tuple[str, Any]:
    try:
        return "ok", func(item)
    except MemoryError:
        return "overrun", Overrun("memory")
    except RecursionError:
        return "overrun", Overrun("recursion")
    except Exception as error:
        logger.warning("bounded work failed", exc_info=True)
        return "overrun", Overrun("error", f"{type(error).__name__}: {error}"[:300])


def _batch(func: Callable[[Any], Any], items: Sequence, seconds: float, memory_mb: int) -> list:
    """Run items in one child until it finishes them, runs out of time, or dies."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(func, items, write_end, memory_mb)
    os.close(write_end)
    results: list = []
    try:
        results, outcome = _collect(read_end, len(items), seconds)
    finally:
        os.close(read_end)
        _reap(pid, kill=len(results) < len(items))
    if len(results) < len(items):
        results.append(outcome)
    return results


def _child(func: Callable[[Any], Any], items: Sequence, write_end: int, memory_mb: int) -> None:
    try:
        gc.freeze()  # the parent's objects are not ours to collect (their finalizers close sockets)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _limit_memory(memory_mb)
        for item in items:
            status, value = _attempt(func, item)
            try:
                payload = pickle.dumps((status, value), protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                payload = pickle.dumps(("overrun", Overrun("memory")))
            _write_all(write_end, HEADER.pack(len(payload)) + payload)
    except BaseException:
        pass
    finally:
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return
    limit = current + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # already inside a bounded child: stay within its limit
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _collect(fd: int, count: int, seconds: float) -> tuple[list, Overrun]:
    """Read results until all ``count`` arrived; else the reason the next one did not."""
    results: list = []
    buffer = bytearray()
    deadline = time.monotonic() + seconds
    while len(results) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return results, Overrun("time")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return results, Overrun("crash", "the renderer stopped without an answer")
        buffer.extend(chunk)
        while len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer)
            if len(buffer) < HEADER.size + size:
                break
            _status, value = pickle.loads(bytes(buffer[HEADER.size:HEADER.size + size]))
            del buffer[:HEADER.size + size]
            results.append(value)
            deadline = time.monotonic() + seconds  # each item has its own budget
    return results, Overrun("time")


def _reap(pid: int, *, kill: bool) -> None:
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
