"""Penstock's fork server: forks one child per step from a warm Python.

Usage:
    python -u penstock_fork_server.py [--sandbox JSON]
        JSON: the steps' sandbox settings (see penstock_sandbox); without
        it, children run as the server does.

The server imports the runner once; each step then costs a fork instead of an
interpreter start. It never imports or runs a step's code: only its children
do, after the fork, so a step cannot leave anything behind in it.

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
import sys
import traceback

import penstock_runner
import penstock_sandbox

# Imported here so that children find them loaded: most failing steps format
# a traceback, and the runner imports traceback lazily.
assert traceback

CONTROL = os.dup(1)  # events go here; a child's fd 1 becomes its log pipe
SIGNAL_EXIT_BASE = 128
CHILD_FAILED_EXIT_CODE = 70
SPARES = 2


def main(argv):
    server = os.environ.pop(penstock_runner.PARENT_PID_VARIABLE, None)
    sandbox = Sandbox(json.loads(argv[2]) if argv[1:2] == ["--sandbox"] else {})
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
    children = Children(int(server) if server else None, sandbox)
    children.fork_spares()
    send({"event": "ready", "pid": os.getpid()})
    pending = b""
    # poll, not select: select fails on fds past 1023, and the sandbox's
    # Landlock rules hold an fd per readable path, which can be over a thousand.
    poller = select.poll()
    poller.register(0, select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    while True:
        readable = [fd for fd, _ in poller.poll()]
        if wake_read in readable:
            drain(wake_read)
            children.reap()
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
            elif op == b"release":
                children.release(int(rest))
    children.kill_all()
    return 0


class Spare:
    """A child forked ahead of its step, waiting for the step's request."""

    def __init__(self, pid, output, requests):
        self.pid = pid
        self.output = output  # read end of its stdout and stderr
        self.requests = requests  # write end of the pipe it waits on


class Children:
    """The server's children: the spares, and the steps that run."""

    def __init__(self, server_pid, sandbox):
        self.server_pid = server_pid
        self.sandbox = sandbox
        self.running = {}  # child pid -> request id
        self.pipes = {}  # request id -> read end of the child's output pipe
        self.spares = collections.deque()

    def run(self, request_id, payload):
        """Hands the run's JSON (its bytes) to a spare; forks a new one."""
        payload += b"\n"
        for _ in range(SPARES + 1):
            if not self.spares:
                problem = self.fork_spare()
                if problem:
                    send({"event": "failed", "id": request_id,
                          "message": problem})
                    return
            spare = self.spares.popleft()
            if hand_over(spare.requests, payload):
                break
            os.close(spare.output)  # it died meanwhile: the next one
        else:
            send({"event": "failed", "id": request_id,
                  "message": "every process forked for the step died at once"})
            return
        self.running[spare.pid] = request_id
        self.pipes[request_id] = spare.output
        send({"event": "started", "id": request_id, "pid": spare.pid,
              "fd": spare.output})
        self.fork_spares()

    def fork_spares(self):
        while len(self.spares) < SPARES and self.fork_spare() is None:
            pass

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
            request_read, request_write = os.pipe()
        except OSError as exc:
            close_all(output_read, output_write)
            return f"cannot make the step's request pipe: {exc}"
        try:
            pid = self.sandbox.fork()
        except (OSError, penstock_sandbox.SandboxError) as exc:
            close_all(output_read, output_write, request_read, request_write)
            return f"cannot fork the step's process: {exc}"
        if pid == 0:
            code = CHILD_FAILED_EXIT_CODE
            try:
                code = run_child(output_write, request_read, self.server_pid,
                                 self.sandbox)
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
            request_id = self.running.pop(pid, None)
            if request_id is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            send({"event": "exited", "id": request_id,
                  "code": code if code >= 0 else SIGNAL_EXIT_BASE - code})

    def kill_all(self):
        pids = list(self.running) + [spare.pid for spare in self.spares]
        for pid in pids:
            kill_group(pid)


def hand_over(requests, payload):
    """Writes a request line to a spare; False if the spare is gone."""
    try:
        while payload:
            payload = payload[os.write(requests, payload):]
        return True
    except BrokenPipeError:
        return False
    finally:
        os.close(requests)


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
    if not sandbox.settings:
        penstock_runner.start_parent_watchdog(parent, server_pid)
    elif not isinstance(ruleset, Exception):
        try:
            penstock_sandbox.take_limits(sandbox.settings, own_namespace,
                                         lifeline)
        except (penstock_sandbox.SandboxError, OSError) as exc:
            if ruleset is not None:
                os.close(ruleset)
            ruleset = exc  # reported once there is a step to fail
    data = read_line(requests)
    os.close(requests)
    if not data:
        return 0  # retired unused: the server is ending
    request = json.loads(data)
    work_dir = request["work_dir"]
    os.chdir(work_dir)
    os.environ.update(request.get("environment") or {})
    os.environ["PYTHONUNBUFFERED"] = "1"
    if sandbox.settings:
        if not penstock_runner.confine(
                penstock_sandbox, work_dir,
                lambda rules: penstock_sandbox.enter(sandbox.settings,
                                                     work_dir, rules),
                ruleset):
            return 1
        if not own_namespace:  # after Landlock: it needs a single thread
            penstock_runner.start_parent_watchdog(parent, server_pid)
    # A fresh interpreter reads PYTHONPATH at start-up; a forked child was
    # started long before, so it puts those folders on its path itself.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[0:0] = extra
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


def close_all(*fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


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


def kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL),
                   lambda: os.kill(pid, signal.SIGKILL)):
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
