"""A pool of worker processes for the server's analyses and conversions, each job under a time
limit, so a slow or stuck request never delays another.

Each request takes a free worker (one that served the same notebook before when it can: its
cache of cell analyses is warm), or starts one while fewer than ``size`` run, or waits for one.
A job past its time limit has its worker killed (the only way to stop a job for sure) and is
answered with :class:`JobTimedOut`; a worker that dies (a crash in native code) fails only its own
job (:class:`WorkerDied`). Either way the next request starts a fresh worker. Workers are started
with ``spawn`` (never ``fork``: the server has threads), so they hold none of the server's state.

Processes rather than threads: the analysis is CPU-bound Python, so threads would share one core
under the GIL (a small request waits behind every big one in turn), and a thread cannot be stopped
when it runs past its limit.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from nb2prod.errors import NotebookError
from nb2prod.server.worker import READY, serve

#: Seconds a new worker may take to start (import nb2prod) before it is given up.
STARTUP_SECONDS = 120.0
#: Notebooks a worker remembers having served, to send the same notebook back to it.
_REMEMBERED = 32


def default_size() -> int:
    """Four workers, or one per CPU when there are fewer."""
    return max(1, min(4, os.cpu_count() or 1))


class JobTimedOut(Exception):
    """The job ran past its time limit; its worker was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the job took more than {seconds:g} s")
        self.seconds = seconds


class WorkerDied(Exception):
    """The worker process ended during the job (or could not start)."""


class JobFailed(Exception):
    """The job raised; ``trace`` is the worker's traceback, for the server's log."""

    def __init__(self, summary: str, trace: str) -> None:
        super().__init__(summary)
        self.trace = trace


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    io: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="nb2prod-worker-io")
    )
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=_REMEMBERED))

    @classmethod
    def start(cls, context: Any, name: str) -> _Worker:
        """A new worker, once it says it is ready (blocks: call it in a thread)."""
        ours, theirs = context.Pipe()
        process = context.Process(target=serve, args=(theirs,), name=name, daemon=True)
        process.start()
        theirs.close()
        worker = cls(process, ours)
        try:
            if ours.poll(STARTUP_SECONDS) and ours.recv() == READY:
                return worker
        except (EOFError, OSError):
            pass
        worker.stop()
        raise WorkerDied(f"a worker process did not start ({_ending(process)})")

    def roundtrip(self, job: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
        """Send ``job`` and wait for its answer (blocks: runs in ``io``)."""
        try:
            self.conn.send(job)
            return self.conn.recv()
        except (EOFError, OSError):  # killed, or crashed in native code
            raise WorkerDied(f"the worker process ended ({_ending(self.process)})") from None

    def stop(self) -> None:
        """Kill the process; its pipe and thread are closed once a pending answer is given up."""
        if self.process.is_alive():
            self.process.kill()
        self.io.submit(self._close)
        self.io.shutdown(wait=False)

    def _close(self) -> None:
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Up to ``size`` worker processes; :meth:`run` gives a job to a free one."""

    def __init__(self, size: int, name: str = "nb2prod-worker") -> None:
        self.size = max(1, size)
        self.name = name  # of its processes
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._running = 0  # workers started or starting, idle or busy
        self._waiting: deque[asyncio.Future[_Worker | None]] = deque()
        self._starter = ThreadPoolExecutor(thread_name_prefix="nb2prod-worker-start")

    @property
    def busy(self) -> int:
        """Workers running a job (or starting for one)."""
        return self._running - len(self._idle)

    @property
    def available(self) -> bool:
        """Whether a job given now would start at once (a worker is idle, or one may start)."""
        return bool(self._idle) or self._running < self.size

    def resize(self, size: int) -> None:
        """Run at most ``size`` workers from now on (idle ones beyond it stop at once)."""
        self.size = max(1, size)
        while self._idle and self._running > self.size:
            self._retire(self._idle.pop(0))

    async def run(
        self, function: Callable[..., Any], args: tuple[Any, ...], limit: float, affinity: str = ""
    ) -> Any:
        """``function(*args)`` in a worker, within ``limit`` seconds once the worker has it.

        Raises what the job raised as :class:`NotebookError` or :class:`JobFailed`, or
        :class:`JobTimedOut`, or :class:`WorkerDied`.
        """
        worker = await self._acquire(affinity)
        loop = asyncio.get_running_loop()
        try:
            answer = await asyncio.wait_for(
                loop.run_in_executor(worker.io, worker.roundtrip, (function, args)), limit
            )
        except asyncio.TimeoutError:
            self._discard(worker)
            raise JobTimedOut(limit) from None
        except BaseException:  # it died; or cancelled with the request, the job still running
            self._discard(worker)
            raise
        if affinity:
            worker.recent.append(affinity)
        self._release(worker)
        return _unpack(answer)

    async def _acquire(self, affinity: str) -> _Worker:
        while True:
            for dead in [w for w in self._idle if not w.process.is_alive()]:
                self._idle.remove(dead)  # ended while idle (the system's OOM killer...)
                self._retire(dead)
            if self._idle:
                chosen = next((w for w in self._idle if affinity and affinity in w.recent), None)
                chosen = chosen or self._idle[-1]  # the last one used: its memory is warm
                self._idle.remove(chosen)
                return chosen
            if self._running < self.size:
                return await self._start()
            waiter: asyncio.Future[_Worker | None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                handed = await waiter
            except asyncio.CancelledError:
                given = waiter.result() if waiter.done() and not waiter.cancelled() else None
                if given is not None:  # handed over just as the request went away
                    self._release(given)
                raise
            if handed is not None:
                return handed

    async def _start(self) -> _Worker:
        self._running += 1
        starting = self._starter.submit(_Worker.start, self._context, self.name)
        try:
            return await asyncio.wrap_future(starting)
        except BaseException:
            self._running -= 1
            self._wake(None)
            starting.add_done_callback(_stop_unwanted)  # cancelled while the worker started
            raise

    def _release(self, worker: _Worker) -> None:
        if self._running > self.size:
            self._retire(worker)
        elif not self._wake(worker):
            self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        self._retire(worker)
        self._wake(None)  # a waiting request may start a worker in its place

    def _retire(self, worker: _Worker) -> None:
        self._running -= 1
        worker.stop()

    def _wake(self, worker: _Worker | None) -> bool:
        """Hand ``worker`` (or, with None, a free place) to the first request still waiting."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if waiter.done():
                continue
            try:
                waiter.set_result(worker)
            except RuntimeError:  # its event loop is closed (a server that stopped)
                continue
            return True
        return False


def _stop_unwanted(starting: Future[_Worker]) -> None:
    if not starting.cancelled() and starting.exception() is None:
        starting.result().stop()


def _unpack(answer: Any) -> Any:
    kind = answer[0] if isinstance(answer, tuple) and answer else None
    if kind == "ok":
        return answer[1]
    if kind == "unusable":
        raise NotebookError(answer[1], answer[2])
    if kind == "failed":
        raise JobFailed(answer[1], answer[2])
    raise JobFailed(f"a worker answered {type(answer).__name__}", "")


def _ending(process: BaseProcess) -> str:
    process.join(1)
    code = process.exitcode
    if code is None:
        return "still running"
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
