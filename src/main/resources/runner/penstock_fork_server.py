"""Penstock's fork server: forks one child per step from a warm Python.

Usage:
    python -u penstock_fork_server.py [--sandbox JSON]
        JSON: the steps' sandbox settings (see penstock_sandbox); without
        it, children run as the server does.

The server imports the runner once; each step then costs a fork instead of an
interpreter start. It never imports or runs a step's code: only its children
do, after the fork, so a step cannot leave anything behind in it. It does
import, when asked, the installed libraries that steps import (pandas, say),
so that each child finds them loaded instead of paying their import.

It keeps SPARES children forked ahead of time, each of which has already done
what every step's process does first (its own process group and PID
namespace, its output pipe, its descriptors closed; with a sandbox, its user,
user namespace and limits, and its Landlock rules but the one for the step's
own directory) and waits on a pipe for its request. A step's start then
costs one write to that pipe; the fork of a new spare happens after the step
has been handed over, off its path. Two spares, because one is often not
ready yet when steps end close together.

Requests arrive on stdin, a line each, as an operation, a request id and for
a run a JSON object the server passes on to the child unread (a step's inputs
can hold a large list, and every object the server makes is memory it then
shares with its children, which copying on write makes dear). Events leave
on stdout, one JSON object a line:
    -> {"event": "ready", "pid": P}                   once, when warm
    <- run N {"work_dir": D, "environment": {...}, "request": {...}}
           "request" is the runner's request; without it the child reads
           D/request.json
    -> {"event": "started", "id": N, "pid": C, "fd": F}
           F is the read end of the pipe holding the child's stdout and
           stderr. The Java server opens /proc/P/fd/F to get its own end,
           then sends
    <- release N                                       and F is closed.
    -> {"event": "exited", "id": N, "code": X}         X as the JDK reports
           exit codes: 128 + S for a death by signal S
    -> {"event": "failed", "id": N, "message": M}      no child was made
    <- warm N KEY {"work_dir": D, ..., "worker": {"root": R, "max_steps": S}}
           As run, on a warm worker (penstock_worker) of KEY: one that a
           step of KEY left free, or a spare that becomes one, confined to
           R instead of D. Its "exited" event comes when the worker is done
           with the step, whether it stays or not. KEY names one run (and
           what the run's process may not change, its memory limit): a
           worker never serves another. Workers free for WORKER_IDLE_SECONDS
           exit.
    <- signal N S
           Sends signal S to the process group of request N's child, if it
           still runs that step: a worker that has moved on to another step
           of its run is not the step's any more.
    <- preload NAME [NAME ...]
    -> {"event": "preloaded", "loaded": [...], "skipped": {NAME: WHY},
        "retired": WHY or null}
           The server imports the named modules itself, so that its
           children find them loaded (see penstock_preloader), then forks new spares.
           "retired": a module started threads, after which forking is not
           safe: every later run fails, and the Java server starts another.
When stdin ends (the Java server closed it or died), the server kills its
children's process groups and exits.

Standard library only; Python 3.9 or later; Linux (/proc, process groups).
"""

import collections
import faulthandler
import gc
import json
import os
import select
import signal
import socket
import sys
import time
import traceback

import penstock_child
import penstock_preloader
import penstock_runner
import penstock_sandbox

# Imported here so that children find them loaded: most failing steps format
# a traceback, and the runner imports traceback lazily.
assert traceback

CONTROL = os.dup(1)  # events go here; a child's fd 1 becomes its log pipe
SIGNAL_EXIT_BASE = 128
CHILD_FAILED_EXIT_CODE = 70
SPARES = 2
PRELOAD_SECONDS = 20  # the most one preload line may take, all its modules
WORKER_IDLE_SECONDS = 5  # a free worker's run has likely ended by then
MAX_FREE_WORKERS = 8  # past it, the longest free one exits


def main(argv):
    server = os.environ.pop(penstock_runner.PARENT_PID_VARIABLE, None)
    sandbox = Sandbox(json.loads(argv[2]) if argv[1:2] == ["--sandbox"] else {})
    # What a preloaded module prints goes to stderr, never among the events.
    os.dup2(2, 1)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    # It shares the Java server's process group: a Ctrl-C there is the
    # server's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Children's garbage collections then skip everything loaded so far, so
    # they do not write to (and copy) the server's memory pages.
    gc.freeze()
    # Children inherit it, writing to their own fd 2, the step's log: enabled
    # here once instead of in each child.
    faulthandler.enable()
    # poll, not select: select fails on fds past 1023, and the sandbox's
    # Landlock rules hold an fd per readable path, which can be over a thousand.
    poller = select.poll()
    poller.register(0, select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    children = Children(int(server) if server else None, sandbox, poller)
    children.fork_spares()
    send({"event": "ready", "pid": os.getpid()})
    pending = b""
    while True:
        timeout = 1000 if children.free_workers() else None
        readable = [fd for fd, _ in poller.poll(timeout)]
        if wake_read in readable:
            drain(wake_read)
            children.reap()
        for fd in readable:
            if fd in children.workers:
                children.heard_from(fd)
        children.end_idle_workers()
        if 0 not in readable:
            continue
        data = os.read(0, 65536)
        if not data:
            break
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            op, _, rest = line.partition(b" ")
            if op == b"run":
                request_id, _, payload = rest.partition(b" ")
                children.run(int(request_id), payload)
            elif op == b"warm":
                request_id, _, rest = rest.partition(b" ")
                key, _, payload = rest.partition(b" ")
                children.run(int(request_id), payload, key)
            elif op == b"release":
                children.release(int(rest))
            elif op == b"signal":
                request_id, _, signum = rest.partition(b" ")
                children.signal_step(int(request_id), int(signum))
            elif op == b"preload":
                children.preload(rest.decode("utf-8", "replace").split())
    children.kill_all()
    return 0


class Spare:
    """A child forked ahead of its step, waiting for the step's request."""

    def __init__(self, pid, output, requests):
        self.pid = pid
        self.output = output  # read end of its stdout and stderr
        self.requests = requests  # this end of the socket it waits on


class Worker:
    """A child that serves one run's steps one after another (penstock_worker)."""

    def __init__(self, pid, key, channel):
        self.pid = pid
        self.key = key
        self.channel = channel  # this end of its socket
        self.free_since = None  # monotonic time it became free, if it is


class Children:
    """The server's children: the spares, the steps that run, the workers."""

    def __init__(self, server_pid, sandbox, poller):
        self.server_pid = server_pid
        self.sandbox = sandbox
        self.poller = poller
        self.running = {}  # child pid -> request id
        self.pipes = {}  # request id -> read end of the child's output pipe
        self.spares = collections.deque()
        self.workers = {}  # socket fd -> Worker
        self.free = collections.OrderedDict()  # socket fd -> Worker, oldest first
        self.retired = None  # why no step may be forked any more, if so

    def run(self, request_id, payload, key=None):
        """Hands the run's JSON (its bytes) to a free worker of key, if any,
        or else to a spare (which becomes key's worker); forks a new spare."""
        if self.retired:
            send({"event": "failed", "id": request_id,
                  "message": f"the fork server was retired: {self.retired}"})
            return
        payload += b"\n"
        if key is not None and self.run_on_worker(request_id, payload, key):
            return
        for _ in range(SPARES + 1):
            if not self.spares:
                problem = self.fork_spare()
                if problem:
                    send({"event": "failed", "id": request_id,
                          "message": problem})
                    return
            spare = self.spares.popleft()
            if hand_over(spare.requests, payload, keep=key is not None):
                break
            os.close(spare.output)  # it died meanwhile: the next one
        else:
            send({"event": "failed", "id": request_id,
                  "message": "every process forked for the step died at once"})
            return
        if key is not None:
            self.workers[spare.requests] = Worker(spare.pid, key, spare.requests)
            self.poller.register(spare.requests, select.POLLIN)
        self.started(request_id, spare.pid, spare.output)
        self.fork_spares()

    def started(self, request_id, pid, output):
        self.running[pid] = request_id
        self.pipes[request_id] = output
        send({"event": "started", "id": request_id, "pid": pid, "fd": output})

    def run_on_worker(self, request_id, payload, key):
        """Hands the request to a free worker of key; False if none took it."""
        for fd, worker in list(self.free.items()):
            if worker.key != key:
                continue
            del self.free[fd]
            try:
                output, output_write = os.pipe()
            except OSError:
                return False
            try:
                delivered = send_request(worker.channel, payload, output_write)
            finally:
                close_all(output_write)
            if not delivered:  # it exited meanwhile: its end is reaped
                close_all(output)
                self.forget_worker(fd)
                continue
            worker.free_since = None
            self.started(request_id, worker.pid, output)
            return True
        return False

    def heard_from(self, fd):
        """A worker says it is done with a step, or its socket ended."""
        worker = self.workers[fd]
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            self.forget_worker(fd)  # it exited: reap reports a running step
            return
        for line in data.decode("ascii", "replace").splitlines():
            verb, _, code = line.partition(" ")
            if verb != "done":
                continue
            request_id = self.running.pop(worker.pid, None)
            if request_id is not None:
                send({"event": "exited", "id": request_id, "code": int(code)})
            worker.free_since = time.monotonic()
            self.free[fd] = worker
        while len(self.free) > MAX_FREE_WORKERS:
            self.forget_worker(next(iter(self.free)))

    def free_workers(self):
        return len(self.free)

    def end_idle_workers(self):
        now = time.monotonic()
        for fd, worker in list(self.free.items()):
            if now - worker.free_since > WORKER_IDLE_SECONDS:
                self.forget_worker(fd)

    def forget_worker(self, fd):
        """Closes the worker's socket, which makes a free worker exit."""
        self.free.pop(fd, None)
        if self.workers.pop(fd, None) is not None:
            self.poller.unregister(fd)
            close_all(fd)

    def fork_spares(self):
        while len(self.spares) < SPARES and self.fork_spare() is None:
            pass

    def preload(self, names):
        """Imports names here, then replaces the spares forked without them."""
        loaded, skipped, retired = penstock_preloader.Preloader(
            PRELOAD_SECONDS).load(names)
        if loaded or retired:
            for spare in list(self.spares):  # each exits on its request's end
                close_all(spare.requests, spare.output)
            self.spares.clear()
            gc.freeze()  # as at start: children's collections skip it all
            self.retired = retired
            if not retired:
                self.fork_spares()
        send({"event": "preloaded", "loaded": loaded, "skipped": skipped,
              "retired": retired})

    def signal_step(self, request_id, signum):
        for pid, running in self.running.items():
            if running == request_id:
                kill_group(pid, signum)
                return

    def release(self, request_id):
        fd = self.pipes.pop(request_id, None)
        if fd is not None:
            os.close(fd)

    def fork_spare(self):
        """Forks the next spare; returns why it could not, or None."""
        try:
            output_read, output_write = os.pipe()
        except OSError as exc:
            return f"cannot make the step's output pipe: {exc}"
        try:
            # A socket, not a pipe: a warm worker answers on it, and is
            # passed each later step's output pipe through it.
            request_read, request_write = (
                end.detach() for end in socket.socketpair())
        except OSError as exc:
            close_all(output_read, output_write)
            return f"cannot make the step's request socket: {exc}"
        try:
            pid = self.sandbox.fork()
        except (OSError, penstock_sandbox.SandboxError) as exc:
            close_all(output_read, output_write, request_read, request_write)
            return f"cannot fork the step's process: {exc}"
        if pid == 0:
            code = CHILD_FAILED_EXIT_CODE
            try:
                code = penstock_child.run_child(
                    output_write, request_read, self.server_pid, self.sandbox)
            except BaseException:  # never return into the server's loop
                traceback.print_exc()
            finally:
                penstock_runner.flush_output()
                os._exit(code)
        close_all(output_write, request_read)
        self.spares.append(Spare(pid, output_read, request_write))
        return None

    def reap(self):
        """Reports every child that has exited; SIGCHLD only says some did."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            spare = next((s for s in self.spares if s.pid == pid), None)
            if spare is not None:  # the next run forks another
                self.spares.remove(spare)
                close_all(spare.output, spare.requests)
                continue
            for fd in [fd for fd, w in self.workers.items() if w.pid == pid]:
                self.forget_worker(fd)
            request_id = self.running.pop(pid, None)
            if request_id is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            send({"event": "exited", "id": request_id,
                  "code": code if code >= 0 else SIGNAL_EXIT_BASE - code})

    def kill_all(self):
        pids = list(self.running) + [spare.pid for spare in self.spares]
        pids += [worker.pid for worker in self.workers.values()]
        for pid in pids:
            kill_group(pid)


def hand_over(requests, payload, keep=False):
    """Writes a request line to a spare; False if the spare is gone. keep:
    the socket stays open, for a worker's later steps."""
    try:
        while payload:
            payload = payload[os.write(requests, payload):]
        return True
    except (BrokenPipeError, ConnectionResetError):
        keep = False
        return False
    finally:
        if not keep:
            os.close(requests)


def send_request(channel, payload, output):
    """Writes a request line to a free worker, its output pipe alongside.

    Returns False if the worker was gone before any of it left. Once some
    has, the request is the worker's, even if the rest cannot follow (it
    died meanwhile, and its death reports the step): handing it to another
    process as well would run the step twice.
    """
    sock = socket.socket(fileno=channel)
    try:
        try:
            sent = socket.send_fds(sock, [payload[:1 << 16]], [output])
        except OSError:
            return False
        if sent < len(payload):  # sendall sends even nothing, and may fail
            try:
                sock.sendall(payload[sent:])
            except OSError:
                pass
        return True
    finally:
        sock.detach()  # the fd stays the worker's channel


class Sandbox:
    """How the steps' processes are made and confined (penstock_sandbox).

    What does not depend on the step is worked out once, here: the paths a
    step may read, this server's own PID namespace to come back to after
    making a child a new one.
    """

    def __init__(self, settings):
        self.settings = settings
        self.pid_namespace = settings.get("pid_namespace") == "make"
        self.namespace_fd = None
        if self.pid_namespace and os.geteuid() == 0:
            self.namespace_fd = os.open("/proc/self/ns/pid", os.O_RDONLY)
        paths = penstock_sandbox.landlock_paths(settings)
        self.rules = (penstock_sandbox.Rules(settings, paths)
                      if settings.get("landlock") else None)
        # Its write end stays here only: a child sees end of file once this
        # server is gone.
        self.lifeline, self.lifeline_write = os.pipe()

    def fork(self):
        if self.namespace_fd is None:
            return os.fork()
        return penstock_sandbox.fork_in_pid_namespace(self.namespace_fd)


def close_all(*fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def kill_group(pid, signum=signal.SIGKILL):
    for target in (lambda: os.killpg(pid, signum),
                   lambda: os.kill(pid, signum)):
        try:
            target()
        except OSError:
            pass


def drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def send(event):
    data = (json.dumps(event) + "\n").encode("utf-8")
    while data:
        data = data[os.write(CONTROL, data):]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
