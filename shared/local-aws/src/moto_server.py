"""Runs moto server for the project and exits when its parent goes away.

The Node launcher keeps our stdin open; when that process ends for any reason (exit, Ctrl-C,
SIGKILL) the pipe closes and this watchdog stops the server, so no emulator is left orphaned.
"""
import os
import sys
import threading


def _exit_when_parent_is_gone() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    threading.Thread(target=_exit_when_parent_is_gone, daemon=True).start()
    from moto.server import main

    main(sys.argv[1:])
