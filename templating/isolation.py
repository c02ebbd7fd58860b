"""Templates are read and filled in a child process with its own memory and CPU limits.

The sandbox (`templating.sandbox`) refuses what a template may not reach and bounds the
obvious ways to spend time and memory; this is the backstop for whatever it misses (a single
C-level operation the sandbox cannot interrupt, a zip that inflates too far): the child dies,
the server does not. Children are forked from a `forkserver` that has imported the engine
already, so a child starts in milliseconds; the parent waits for its answer until the deadline,
then kills it.
"""

import logging
import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from templating.engine import TemplateProblem, inspect_template, render_template

logger = logging.getLogger(__name__)

# The child's address space: the engine, lxml and a large document fit well inside it.
MEMORY_BYTES = 1024 * 1024 * 1024
# What the child may still send after its deadline: the parent reads one message.
_GRACE_SECONDS = 2.0


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["templating.engine"])
    return context


def _child(connection: Connection, task: str, args: tuple[Any, ...], seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    function: Callable[..., Any] = TASKS[task]
    try:
        connection.send(("ok", function(*args)))
    except TemplateProblem as problem:
        connection.send(("problem", problem.as_dict()))
    except MemoryError:
        connection.send(("problem", _limit("The template needs more memory than it may use.")))
    except RecursionError:
        connection.send(("problem", _limit("The template nests too deeply.")))
    except Exception as error:  # a failure of the engine on odd input: no trace leaves
        message = f"The template could not be read or filled ({type(error).__name__})."
        connection.send(("problem", {**_limit(message), "kind": "render"}))
    finally:
        connection.close()


def _limit(message: str) -> dict[str, str]:
    return {"kind": "limit", "message": message, "tag": "", "paragraph": ""}


def _inspect(data: bytes) -> list[str]:
    return inspect_template(data)


def _render(data: bytes, context: dict[str, Any], seconds: float, characters: int) -> bytes:
    return render_template(data, context, seconds=seconds, characters=characters)


TASKS: dict[str, Callable[..., Any]] = {"inspect": _inspect, "render": _render}


def run_isolated(task: str, *args: Any, seconds: float) -> Any:
    """The task's result from a child process; `TemplateProblem` when the template fails or the
    child runs out of time or memory."""
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, task, args, seconds), daemon=True)
    child.start()
    sending.close()
    try:
        if not receiving.poll(seconds + _GRACE_SECONDS):
            raise TemplateProblem("limit", f"The document took longer than {seconds:g} s to fill.")
        try:
            status, value = receiving.recv()
        except EOFError as error:  # killed by its own limits before it could answer
            child.join(timeout=5)
            logger.warning("template child ended without an answer: exit %s", child.exitcode)
            raise TemplateProblem(
                "limit", "The template needed more time or memory than it may use."
            ) from error
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
    if status == "problem":
        raise TemplateProblem(
            value["kind"], value["message"], tag=value["tag"], paragraph=value["paragraph"]
        )
    return value


def inspect_isolated(data: bytes, *, seconds: float) -> list[str]:
    result: list[str] = run_isolated("inspect", data, seconds=seconds)
    return result


def render_isolated(
    data: bytes, context: dict[str, Any], *, seconds: float, characters: int
) -> bytes:
    result: bytes = run_isolated("render", data, context, seconds, characters, seconds=seconds)
    return result
