"""The `contract` program (and `python -m contractlang`): the command line, started with the collector off.

Starting builds tens of thousands of objects (the modules a command imports, their classes and functions)
and no garbage, and the cycle collector would walk them again and again as they come: it stays off for the
commands that end soon, and those that run long (test, batch, diff, lsp) turn it back on. Importing cli.py
alone (a test, a program using its commands) leaves the collector as it is.
"""

import gc


def main() -> None:
    gc.disable()
    from .cli import main as command_line

    command_line(prog_name="contract")


if __name__ == "__main__":
    main()
