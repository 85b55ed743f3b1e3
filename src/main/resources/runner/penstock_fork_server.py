"""Penstock's fork server: forks one child per step from a warm Python.

Usage:
    python -u penstock_fork_server.py

The server imports the runner once; each step then costs a fork instead of an
interpreter start. It never imports or runs a step's code: only its children
do, after the fork, so a step cannot leave anything behind in it.

Requests arrive on stdin and events leave on stdout, one JSON object a line:
    -> {"event": "ready", "pid": P}                   once, when warm
    <- {"op": "run", "id": N, "work_dir": D, "environment": {...}}
    -> {"event": "started", "id": N, "pid": C, "fd": F}
           F is the read end of the pipe holding the child's stdout and
           stderr. The Java server opens /proc/P/fd/F to get its own end,
           then sends
    <- {"op": "release", "id": N}                      and F is closed.
    -> {"event": "exited", "id": N, "code": X}         X as the JDK reports
           exit codes: 128 + S for a death by signal S
    -> {"event": "failed", "id": N, "message": M}      no child was made
When stdin ends (the Java server closed it or died), the server kills its
children's process groups and exits.

Standard library only; Python 3.9 or later; Linux (/proc, process groups).
"""

import faulthandler
import gc
import json
import os
import select
import signal
import sys
import traceback

import penstock_runner

# Imported here so that children find them loaded: most failing steps format
# a traceback, and the runner imports traceback lazily.
assert traceback

CONTROL = os.dup(1)  # events go here; a child's fd 1 becomes its log pipe
SIGNAL_EXIT_BASE = 128
CHILD_FAILED_EXIT_CODE = 70


def main():
    server = os.environ.pop(penstock_runner.PARENT_PID_VARIABLE, None)
    server_pid = int(server) if server else None
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    # It shares the Java server's process group: a Ctrl-C there is the
    # server's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    children = {}  # child pid -> request id
    pipes = {}  # request id -> read end of the child's output pipe
    # Children's garbage collections then skip everything loaded so far, so
    # they do not write to (and copy) the server's memory pages.
    gc.freeze()
    send({"event": "ready", "pid": os.getpid()})
    pending = b""
    while True:
        readable, _, _ = select.select([0, wake_read], [], [])
        if wake_read in readable:
            drain(wake_read)
            reap(children)
        if 0 not in readable:
            continue
        data = os.read(0, 65536)
        if not data:
            break
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            if request["op"] == "run":
                fork(request, children, pipes, server_pid)
            elif request["op"] == "release":
                fd = pipes.pop(request["id"], None)
                if fd is not None:
                    os.close(fd)
    for pid in children:
        kill_group(pid)
    return 0


def fork(request, children, pipes, server_pid):
    """Forks the child for one step and reports its pid and output pipe."""
    try:
        read_end, write_end = os.pipe()
    except OSError as exc:
        send({"event": "failed", "id": request["id"],
              "message": f"cannot make the step's output pipe: {exc}"})
        return
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        send({"event": "failed", "id": request["id"],
              "message": f"cannot fork the step's process: {exc}"})
        return
    if pid == 0:
        code = CHILD_FAILED_EXIT_CODE
        try:
            code = run_child(request, write_end, server_pid)
        except BaseException:  # never return into the server's loop
            traceback.print_exc()
        finally:
            penstock_runner.flush_output()
            os._exit(code)
    os.close(write_end)
    children[pid] = request["id"]
    pipes[request["id"]] = read_end
    send({"event": "started", "id": request["id"], "pid": pid,
          "fd": read_end})


def run_child(request, output, server_pid):
    """In the child: becomes the step's process, as a fresh runner would."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as when fresh
    launcher_group = penstock_runner.become_process_group_leader()
    penstock_runner.start_parent_watchdog(os.getppid(), server_pid)
    # The server runs with -u, so sys.stdout and sys.stderr write straight to
    # fds 1 and 2 without a buffer: pointing the fds at the pipe is enough.
    os.dup2(output, 1)
    os.dup2(output, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # input() in a step sees end of file, not a hang
    close_inherited_descriptors()
    faulthandler.enable()
    work_dir = request["work_dir"]
    os.chdir(work_dir)
    os.environ.update(request.get("environment") or {})
    os.environ["PYTHONUNBUFFERED"] = "1"
    # A fresh interpreter reads PYTHONPATH at start-up; a forked child was
    # started long before, so it puts those folders on its path itself.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[0:0] = extra
    sys.argv = [os.path.join(os.path.dirname(penstock_runner.__file__),
                             "penstock_runner.py"), work_dir]
    return penstock_runner.run_step(work_dir, launcher_group)


def close_inherited_descriptors():
    """Closes the server's descriptors: control channel, other steps' pipes.

    Listed from /proc rather than closed by range: the JVM raises the limit
    on open files to the hard maximum, and closing a million numbers one by
    one takes longer than the step.
    """
    for name in os.listdir("/proc/self/fd"):
        if int(name) > 2:
            try:
                os.close(int(name))
            except OSError:
                pass  # the listing's own descriptor, already closed


def reap(children):
    """Reports every child that has exited; SIGCHLD only says some did."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        request_id = children.pop(pid, None)
        if request_id is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        send({"event": "exited", "id": request_id,
              "code": code if code >= 0 else SIGNAL_EXIT_BASE - code})


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
    sys.exit(main())
