"""What the Python end-to-end drivers (tests/grafana, tests/monitoring) share: child processes
that die with the driver, free loopback ports, a process's last output, and waiting on a
condition while the processes it depends on are alive."""
import ctypes
import os
import signal
import socket
import time


def die_with_parent():
    """preexec_fn for children: if the driver is killed (ctest's timeout sends SIGKILL), the
    child gets SIGKILL too; its own session keeps terminal signals away from it."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setsid()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as e:
        return f"({e})"


def wait_for(what, deadline_s, check, check_alive):
    """Polls check() until it returns a truthy value; check_alive() raises when a process the
    wait depends on has exited."""
    deadline = time.monotonic() + deadline_s
    while True:
        check_alive()
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {deadline_s:.0f} s waiting for {what}")
        time.sleep(0.2)
