"""Penstock's fork server child: what a forked child does to become a step's
process, or a warm worker's (penstock_worker), before and after it gets its
request.

Standard library only; Python 3.9 or later; Linux.
"""

import json
import os
import signal
import socket
import sys

import penstock_runner
import penstock_sandbox
import penstock_worker


def run_child(output, requests, server_pid, sandbox):
    """In the child: becomes a step's process, as a fresh runner would.

    Everything up to the wait for the request is the same for every step, so
    it happens before the step is known. Once it is known, the child takes
    its sandbox before anything of the step runs.
    """
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as when fresh
    launcher_group = penstock_runner.become_process_group_leader()
    # The server runs with -u, so sys.stdout and sys.stderr write straight to
    # fds 1 and 2 without a buffer: pointing the fds at the pipe is enough.
    os.dup2(output, 1)
    os.dup2(output, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # input() in a step sees end of file, not a hang
    # Before the server's descriptors go: the rules' paths are among them.
    try:
        ruleset = sandbox.rules.ruleset() if sandbox.rules else None
    except (penstock_sandbox.SandboxError, OSError) as exc:
        ruleset = exc  # reported once there is a step to fail
    # Kept to learn, once confined, whether this server died meanwhile.
    lifeline = sandbox.lifeline if sandbox.settings else None
    keep = [requests]
    keep += [lifeline] if lifeline is not None else []
    keep += [ruleset] if isinstance(ruleset, int) else []
    close_inherited_descriptors(keep=keep)
    own_namespace = sandbox.namespace_fd is not None
    if sandbox.pid_namespace and not own_namespace:
        # Not root: this child waits outside a namespace made with a user
        # namespace of its own, and its child runs the step.
        pid, lifeline_of_parent = penstock_sandbox.make_pid_namespace(True)
        if pid:
            penstock_sandbox.supervise(pid)
        os.close(lifeline)
        lifeline, own_namespace = lifeline_of_parent, True
    parent = os.getppid()
    watchdog = None
    if not sandbox.settings:
        watchdog = penstock_runner.start_parent_watchdog(parent, server_pid)
    elif not isinstance(ruleset, Exception):
        try:
            penstock_sandbox.take_limits(sandbox.settings, own_namespace,
                                         lifeline)
        except (penstock_sandbox.SandboxError, OSError) as exc:
            if ruleset is not None:
                os.close(ruleset)
            ruleset = exc  # reported once there is a step to fail
    data = read_line(requests)
    if not data:
        return 0  # retired unused: the server is ending
    request = json.loads(data)
    warm = request.get("worker")
    if not warm:
        os.close(requests)
    environment = dict(os.environ)
    work_dir = request["work_dir"]
    os.chdir(work_dir)
    os.environ.update(request.get("environment") or {})
    os.environ["PYTHONUNBUFFERED"] = "1"
    if sandbox.settings:
        root = warm["root"] if warm else None
        if not penstock_runner.confine(
                penstock_sandbox, work_dir,
                lambda rules: penstock_sandbox.enter(sandbox.settings,
                                                     work_dir, rules, root),
                ruleset):
            return 1
        if not own_namespace:  # after Landlock: it needs a single thread
            watchdog = penstock_runner.start_parent_watchdog(parent,
                                                             server_pid)
    if warm:
        os.environ.clear()
        os.environ.update(environment)
        channel = socket.socket(fileno=requests)
        settings = sandbox.settings
        worker = penstock_worker.Worker(
            channel, launcher_group, int(warm.get("max_steps") or 1),
            lambda directory: penstock_sandbox.settle(settings, directory)
            if settings else None, watchdog)
        return worker.serve(request)
    # A fresh interpreter reads PYTHONPATH at start-up; a forked child was
    # started long before, so it puts those folders on its path itself.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[0:0] = extra
    penstock_worker.forget_modules_from(extra)
    sys.argv = [os.path.join(os.path.dirname(penstock_runner.__file__),
                             "penstock_runner.py"), work_dir]
    return penstock_runner.run_step(work_dir, launcher_group,
                                    request.get("request"))


def read_line(fd):
    """Reads up to a newline, not to the end: spares forked later hold copies
    of this pipe's write end until they close their inherited descriptors."""
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b""  # never sent a whole request
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            return b"".join(chunks)


def close_inherited_descriptors(keep):
    """Closes the server's descriptors: control channel, other steps' pipes.

    By range: Linux closes a range in one call (close_range) however high
    the JVM raised the limit on open files, where listing /proc/self/fd
    cost a step a millisecond and a half of CPU.
    """
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))
