"""Penstock's warm worker: runs one run's steps one after another in a process.

A fork server's child becomes a worker when its first request says so. After
each step it either tells the fork server it is free ("done CODE" on its
socket) and waits there for the next request of the same run, or exits with
the step's code, which ends it as a child per step would end. It exits,
instead of staying, after a step that failed, after max_steps steps, and when
a step left threads or processes running (they are killed first). Each step
gets what a fresh child would have: fresh globals (the runner makes a new
module each time), the run's modules as written for this step (modules
loaded from the previous step's folders are forgotten), its own working
directory, its own environment, its own log (a pipe passed with the request),
its CPU-time guard from now. What stays is the state of the installed
libraries it imported: that is the point.

Requests after the first arrive on the socket as a line of JSON, the fork
server's "run" object, with the step's output pipe passed alongside
(SCM_RIGHTS). The end of the socket tells the worker to exit.

Standard library only; Python 3.9 or later; Linux.
"""

import _thread
import ctypes
import json
import os
import resource
import signal
import socket
import sys

import penstock_runner

PR_SET_CHILD_SUBREAPER = 36
# Signals a step may take over; each step starts with the worker's handlers.
RESTORED_SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGALRM,
                    signal.SIGCHLD, signal.SIGPIPE, signal.SIGUSR1,
                    signal.SIGUSR2, signal.SIGHUP]


class Worker:
    """The state a step may change, as it was before the first step."""

    def __init__(self, control, launcher_group, max_steps, settle,
                 watchdog=None):
        self.control = control  # the socket to the fork server
        self.launcher_group = launcher_group
        self.max_steps = max_steps
        self.settle = settle  # settle(work_dir): the step's TMPDIR and HOME
        self.environment = dict(os.environ)
        self.path = list(sys.path)
        self.handlers = {s: signal.getsignal(s) for s in RESTORED_SIGNALS}
        self.umask = os.umask(0o077)
        os.umask(self.umask)
        self.previous_folders = []
        # Orphans of a step's processes come back to this process, so that it
        # sees every process a step left behind among its own children.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        # Its own threads, by id: a thread just started may not show yet
        # among those running Python, so they are not counted.
        self.threads = {_thread.get_ident()} | (
            {watchdog} if watchdog is not None else set())
        self.leftovers = None  # what the last step left running, if anything
        self.steps = 0
        self.staying = False  # whether it told the fork server it is free

    def serve(self, request):
        """Runs request and the run's later ones; returns the exit code."""
        while True:
            self.steps += 1
            self.staying = False
            code = self.run_one(request)
            if not self.staying:
                return code
            request = self.next_request()
            if request is None:
                return 0

    def written(self, code):
        """Called by the runner once the result is written, before the
        step's output ends: the fork server hears that this worker is free
        before the server hears the step is over, so the run's next step
        finds it free."""
        if self.why_retire(code, self.steps) is not None:
            return  # it exits, which the fork server reports
        try:
            self.control.sendall(f"done {code}\n".encode("ascii"))
            self.staying = True
        except OSError:
            pass

    def run_one(self, request):
        work_dir = request["work_dir"]
        self.reset(request.get("environment") or {}, work_dir)
        runner_request = dict(request.get("request") or {})
        guard = runner_request.pop("cpu_seconds", 0) or 0
        set_cpu_guard(guard)
        self.leftovers = None
        return penstock_runner.run_step(work_dir, self.launcher_group,
                                        runner_request, self.end_leftovers,
                                        self.written)

    def reset(self, environment, work_dir):
        """Gives the step what a fresh child would find."""
        os.chdir(work_dir)
        os.environ.clear()
        os.environ.update(self.environment)
        os.environ.update(environment)
        os.environ["PYTHONUNBUFFERED"] = "1"
        self.settle(work_dir)
        for signum, handler in self.handlers.items():
            signal.signal(signum, handler)
        signal.alarm(0)
        os.umask(self.umask)
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        folders = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                   if p]
        sys.path[:] = folders + self.path
        forget_modules_from(self.previous_folders + folders)
        self.previous_folders = folders
        sys.argv = [os.path.join(os.path.dirname(penstock_runner.__file__),
                                 "penstock_runner.py"), work_dir]

    def end_leftovers(self):
        """Called by the runner before it writes the result: what the step
        left running is found here, and ended with the worker."""
        if live_children():
            self.leftovers = "processes"
            penstock_runner.end_leftover_processes(self.launcher_group)
        elif threads_running() - self.threads:
            self.leftovers = "threads"
        if self.leftovers:
            # In the step's log, which is still open: why the next step of
            # the run starts in another process.
            sys.stderr.write(
                f"[penstock] the step left {self.leftovers} running: they end"
                f" with this worker, and the run's next step gets another\n")

    def why_retire(self, code, steps):
        if code != 0:
            return "the step failed"
        if self.leftovers:
            return f"the step left {self.leftovers} running"
        if steps >= self.max_steps:
            return f"it ran {steps} steps"
        if sys.__stdout__ is None or sys.__stdout__.closed:
            return "a step closed its standard output"
        return None

    def next_request(self):
        """The next request, its output pipe on fds 1 and 2; None at the end."""
        try:
            data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 1)
        except OSError:
            return None
        if not data:
            return None
        chunks = [data]
        while not data.endswith(b"\n"):
            data = self.control.recv(1 << 16)
            if not data:
                return None
            chunks.append(data)
        if len(fds) != 1:
            return None
        os.dup2(fds[0], 1)
        os.dup2(fds[0], 2)
        os.close(fds[0])
        return json.loads(b"".join(chunks))


def set_cpu_guard(cpu_seconds):
    """The runner's CPU-time guard, counted from now: RLIMIT_CPU counts the
    whole life of the process, which here spans many steps. Only the soft
    limit moves, so that later steps can move it again."""
    if cpu_seconds <= 0:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + cpu_seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def threads_running():
    """The ids of the threads that run Python here, whoever started them
    (threading or _thread); a library's native pool threads are not among
    them. threading's own list covers its threads that have not run a line
    yet; one started with _thread an instant before the step returned may be
    missed."""
    idents = set(sys._current_frames())
    threading = sys.modules.get("threading")
    if threading is not None:
        idents.update(thread.ident for thread in threading.enumerate())
    return idents


def live_children():
    """Whether a child (or an orphan that came back here) still runs; reaps
    those that exited."""
    try:
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return True
    except ChildProcessError:
        return False


def forget_modules_from(folders):
    """Unloads modules loaded from folders, or shadowed by what is in them.

    A fresh interpreter would import the run's module from PYTHONPATH, ahead
    of an installed one of the same name; a process forked from a server that
    preloaded the installed one, or a worker whose last step loaded the run's
    module from its own folder, must not find it in sys.modules instead.
    """
    names = set()
    for folder in folders:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        names.update(entry.split(".", 1)[0] for entry in entries)
    prefixes = tuple(os.path.join(folder, "") for folder in folders)
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None) or ""
        if name.split(".", 1)[0] in names or (
                prefixes and origin.startswith(prefixes)):
            del sys.modules[name]
