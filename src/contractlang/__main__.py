"""The `contract` program (and `python -m contractlang`): the command line, started with the collector off
and ended without the interpreter's teardown.

Starting builds tens of thousands of objects (the modules a command imports, their classes and functions)
and no garbage, and the cycle collector would walk them again and again as they come: it stays off for the
commands that end soon, and those that run long (test, batch, diff, lsp) turn it back on. Importing cli.py
alone (a test, a program using its commands) leaves the collector as it is.

Ending, the interpreter would free every module and object the command made, collecting them as it goes:
a fortieth of a warm `eval`, for a process about to be gone. Every file a command writes is closed when it
returns, so once standard output and standard error are flushed the process ends at once (os._exit).
"""

import gc
import os
import sys


def main() -> None:
    """The program: the command line, then the end of the process, at once."""
    os._exit(flushed(run_command_line()))


def run_command_line() -> int:
    """The command line run with the collector off, and the status it ends with."""
    gc.disable()
    from .cli import main as command_line

    try:
        command_line(prog_name="contract")
    except SystemExit as ending:
        return exit_status(ending.code)
    return 0


def exit_status(code) -> int:
    """The status sys.exit(code) gives: None is success, a number itself, anything else shown and a failure."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def flushed(status: int) -> int:
    """`status` once what is buffered for both streams is written; 120 when that fails after a success, as the
    interpreter's own exit gives (a reader gone away has had everything a failure says)."""
    failed = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or a full disk; ValueError: a stream already closed
            failed = True
    return 120 if failed and status == 0 else status


if __name__ == "__main__":
    main()
