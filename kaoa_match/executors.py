"""Where independent tasks run: a local process pool, or Ray.

Both take the same calls of one module-level function and yield each call's
index with its result (or the exception it raised) as it finishes. Ray is an
optional extra (``pip install "kaoa_match[ray]"``): locally it starts a
private Ray instance with the CPUs asked for; with an address it joins a
cluster, whose workers need kaoa_match installed in the same version.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from kaoa_match.exceptions import KaoaMatchError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

ExecutorName = Literal["process", "ray"]
EXECUTORS: tuple[ExecutorName, ...] = ("process", "ray")

log = logging.getLogger(__name__)
R = TypeVar("R")


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def run_tasks(
    task: Callable[..., R],
    calls: Sequence[tuple[Any, ...]],
    executor: ExecutorName,
    jobs: int,
    address: str | None = None,
    cpus_per_task: int = 1,
) -> Iterator[tuple[int, R | BaseException]]:
    """Run ``task(*call)`` for each call, ``jobs`` at once; yield ``(index, outcome)``
    in the order the calls finish. Without Ray installed, ``executor="ray"``
    runs on the local process pool (with a warning) unless an ``address``
    names a cluster, which is an error."""
    if jobs < 1:
        raise KaoaMatchError("jobs must be at least 1")
    if executor == "ray" and not ray_available():
        if address is not None:
            raise KaoaMatchError(
                'Ray is not installed; pip install "kaoa_match[ray]" to use a Ray cluster'
            )
        log.warning("Ray is not installed; running on a local process pool instead")
        executor = "process"
    if executor == "ray":
        yield from _on_ray(task, calls, jobs, address, cpus_per_task)
    elif executor == "process":
        yield from _on_process_pool(task, calls, jobs)
    else:
        raise KaoaMatchError(f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)}")


def _on_process_pool(
    task: Callable[..., R], calls: Sequence[tuple[Any, ...]], jobs: int
) -> Iterator[tuple[int, R | BaseException]]:
    # spawn, not fork: CP-SAT and HiGHS keep threads that a forked child must not inherit
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, max(len(calls), 1)), mp_context=context)
    try:
        futures = {pool.submit(task, *call): k for k, call in enumerate(calls)}
        for future in as_completed(futures):
            error = future.exception()
            yield futures[future], error if error is not None else future.result()
    finally:
        # A caller that stops early (an error, Ctrl-C) does not wait for the rest.
        pool.shutdown(wait=True, cancel_futures=True)


def _on_ray(
    task: Callable[..., R],
    calls: Sequence[tuple[Any, ...]],
    jobs: int,
    address: str | None,
    cpus_per_task: int,
) -> Iterator[tuple[int, R | BaseException]]:
    import ray

    started_here = not ray.is_initialized()
    if started_here:
        if address is None:
            ray.init(
                num_cpus=jobs * cpus_per_task,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                # the workers import kaoa_match from where this process does
                runtime_env={"env_vars": {"PYTHONPATH": _python_path()}},
            )
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    pending: list[Any] = []
    try:
        remote = ray.remote(num_cpus=cpus_per_task, max_retries=0)(task)
        refs = {remote.remote(*call): k for k, call in enumerate(calls)}
        pending = list(refs)
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            for ref in finished:
                try:
                    outcome: R | BaseException = ray.get(ref)
                except ray.exceptions.RayTaskError as error:
                    outcome = error.cause if error.cause is not None else error
                yield refs[ref], outcome
    finally:
        for ref in pending:  # the caller stopped early: the rest is not wanted
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()


def _python_path() -> str:
    """This process's import path, so that a source checkout works in Ray's workers."""
    import kaoa_match

    root = os.path.dirname(os.path.dirname(os.path.abspath(kaoa_match.__file__)))
    paths = [root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return os.pathsep.join(dict.fromkeys(paths))
