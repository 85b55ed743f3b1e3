"""Penstock's step sandbox: what a step's process may reach, set before its code runs.

The runner (a fresh process per step) and the fork server (a child per
step) apply the server's settings, a JSON object:
    user             [uid, gid] the step runs as (the server runs as root),
                     or null: the server's own user
    user_namespace   true: the step gets a user namespace of its own, so its
                     process limit counts its own processes only
    pid_namespace    "make": whoever starts the step's Python makes it one
                     (the fork server per child; a fresh runner by forking
                     once and waiting outside it); "given": it has one
                     already (bubblewrap made it); null: none
    process_limit    RLIMIT_NPROC, 0 for none
    file_size_limit  RLIMIT_FSIZE in bytes, 0 for none
    landlock         null, or the step's Landlock rules (see penstock_landlock)
    home             true: HOME is the working directory (another user's
                     home is not the step's)

A step that is init of its own PID namespace takes every process it started
with it when it ends: the kernel kills the rest of the namespace, double
forks and new sessions included.

Usage:
    python penstock_sandbox.py --probe [UID GID]
        Prints what this machine offers a step running as UID:GID (default:
        this process's user), one JSON line.

Standard library only; Python 3.9 or later; Linux.
"""

import ctypes
import json
import os
import platform
import resource
import select
import signal
import struct
import sys

import penstock_landlock
from penstock_landlock import (  # noqa: F401 (the runner's and fork server's)
    Rules, interpreter_paths, landlock_abi, landlock_paths, prepare_landlock)

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
SIGNAL_EXIT_BASE = 128

# capset(2) has no libc wrapper; where its number is not known here, a step
# keeps the capabilities of its own user namespace, which reach nothing
# outside it.
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}.get(platform.machine())
CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
# Set by confine when this process is init of a PID namespace of its own.
OWN_PID_NAMESPACE = False


class SandboxError(OSError):
    """The sandbox could not be set up; the step must not run."""


def _check(result, what):
    if result < 0:
        errno = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(errno)}")
    return result


def fork_in_pid_namespace(own_namespace_fd):
    """os.fork(), the child being init of a new PID namespace (needs root).

    unshare(CLONE_NEWPID) only sets where the next child goes, so the parent
    goes back to its own namespace for the children after.
    """
    _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
    try:
        pid = os.fork()
    except OSError:
        _check(_libc.setns(own_namespace_fd, CLONE_NEWPID), "setns back")
        raise
    if pid != 0:
        _check(_libc.setns(own_namespace_fd, CLONE_NEWPID), "setns back")
    return pid


def make_pid_namespace(user_namespace):
    """Forks once into a new PID namespace; returns (the child's pid, or 0 in
    it, and a lifeline: its end in the parent, the child's end in the child).

    For a step started as a fresh process, or by a fork server that is not
    root: the parent stays outside to wait for it (see supervise). Without
    root the namespace needs a user namespace of its own first.
    """
    flags = CLONE_NEWPID
    uid, gid = os.geteuid(), os.getegid()
    if user_namespace and uid != 0:
        flags |= CLONE_NEWUSER
    _check(_libc.unshare(flags), "unshare of the step's PID namespace")
    if flags & CLONE_NEWUSER:
        _map_own_ids(uid, gid)
    lifeline_read, lifeline_write = os.pipe()
    # Blocked, so that supervise waits for it with sigtimedwait: a process
    # whose children go to another PID namespace cannot start a thread.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    pid = os.fork()
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        os.close(lifeline_write)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        return 0, lifeline_read
    os.close(lifeline_read)
    return pid, lifeline_write


def supervise(child, alive=None, interval=0.25):
    """In the parent of make_pid_namespace: passes SIGTERM on, exits as it did.

    It lets go of stdout and stderr, so the step's output ends when the step
    lets go of it. alive, when given, is asked every interval whether whoever
    started this still lives; once not, the step is killed.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: _kill(child, signum))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            os._exit(code if code >= 0 else SIGNAL_EXIT_BASE - code)
        if alive is not None and not alive():
            _kill(child, signal.SIGKILL)
        signal.sigtimedwait([signal.SIGCHLD], interval)


def _kill(pid, signum):
    try:
        os.kill(pid, signum)
    except OSError:
        pass


def confine(settings, work_dir, ruleset=None, own_pid_namespace=False,
            lifeline=None):
    """Applies the settings to this process, which then runs the step.

    Called single-threaded (a user namespace needs it), as root when the
    step changes user. Closes ruleset and lifeline.
    """
    try:
        take_limits(settings, own_pid_namespace, lifeline)
    except BaseException:
        if ruleset is not None:
            os.close(ruleset)
        raise
    enter(settings, work_dir, ruleset)


def take_limits(settings, own_pid_namespace=False, lifeline=None):
    """All of confine that does not depend on the step: its user, namespace
    and limits. A fork server's spares take them before their step is known.
    """
    global OWN_PID_NAMESPACE
    parent = os.getppid()
    user = settings.get("user")
    if user and (os.geteuid(), os.getegid()) != tuple(user):
        os.setgroups([])
        os.setgid(user[1])
        os.setuid(user[0])
    if settings.get("user_namespace"):
        # A changed user is not dumpable, which closes its own /proc files.
        _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        _check(_libc.unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)")
        _map_own_ids(os.geteuid(), os.getegid())
        _drop_capabilities()
    _limit(resource.RLIMIT_NPROC, settings.get("process_limit") or 0)
    _limit(resource.RLIMIT_FSIZE, settings.get("file_size_limit") or 0)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if own_pid_namespace:
        OWN_PID_NAMESPACE = True
        # init of a namespace ignores signals it has no handler for.
        signal.signal(signal.SIGTERM, _exit_on_signal)
    # A change of user clears the parent-death signal: set it (again) last,
    # then make sure the parent did not die in between.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if lifeline is not None:
        poller = select.poll()  # select fails on fds past 1023 (see Rules)
        poller.register(lifeline, select.POLLIN)
        readable = poller.poll(0)
        os.close(lifeline)
        if readable:
            os._exit(SIGNAL_EXIT_BASE + signal.SIGKILL)
    elif parent > 1 and os.getppid() != parent:
        os._exit(SIGNAL_EXIT_BASE + signal.SIGKILL)


def enter(settings, work_dir, ruleset=None, root=None):
    """The rest of confine, for the step in work_dir: Landlock, which then
    lets it write there only (or, given root, under root: a warm worker's
    steps each have a folder of their own there), and its TMPDIR and HOME.
    Closes ruleset.
    """
    if ruleset is not None:
        penstock_landlock.restrict(settings, root or work_dir, ruleset)
    settle(settings, work_dir)


def settle(settings, work_dir):
    """Points the step's TMPDIR, and HOME if asked, into work_dir."""
    temporary = os.path.join(work_dir, "tmp")
    os.makedirs(temporary, exist_ok=True)
    os.environ["TMPDIR"] = temporary
    if settings.get("home"):
        os.environ["HOME"] = work_dir


def _exit_on_signal(signum, frame):
    os._exit(SIGNAL_EXIT_BASE + signum)


def end_namespace():
    """Kills everything else in this process's own PID namespace.

    Returns False, doing nothing, unless confine made this process init of
    one: kill(-1) anywhere else would reach every process of the user.
    """
    if not OWN_PID_NAMESPACE or os.getpid() > 2:
        return False
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass  # nothing else was running
    return True


def _map_own_ids(uid, gid):
    for name, line in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                       ("gid_map", f"{gid} {gid} 1")):
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(fd, line.encode("ascii"))
        except OSError as exc:
            raise SandboxError(f"cannot write /proc/self/{name}: {exc}")
        finally:
            os.close(fd)


def _drop_capabilities():
    """A new user namespace gives every capability inside it: none are kept."""
    if SYS_CAPSET is None:
        return
    header = ctypes.create_string_buffer(struct.pack("=Ii", CAPABILITY_VERSION_3, 0))
    data = ctypes.create_string_buffer(bytes(24))
    _check(_libc.syscall(SYS_CAPSET, header, data), "capset")


def _limit(kind, value):
    if value > 0:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))


def probe(uid, gid):
    """What a step running as uid:gid can have here, tried in child processes."""
    return {
        "landlock_abi": landlock_abi(),
        "root": os.geteuid() == 0,
        "user_namespace": _try_in_child(lambda: _try_user_namespace(uid, gid)),
        "pid_namespace": _try_in_child(_try_pid_namespace),
        "interpreter": interpreter_paths(),
        "interpreter_readable": _try_in_child(lambda: _try_reading(uid, gid)),
    }


def _try_reading(uid, gid):
    """Whether the step's user can read this Python's standard library."""
    _become(uid, gid)
    os.listdir(os.path.dirname(os.__file__))
    if not os.access(os.path.realpath(sys.executable), os.X_OK):
        raise SandboxError("cannot run the interpreter")


def _become(uid, gid):
    if (os.geteuid(), os.getegid()) != (uid, gid):
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)


def _try_user_namespace(uid, gid):
    _become(uid, gid)
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    _check(_libc.unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)")
    _map_own_ids(uid, gid)


def _try_pid_namespace():
    if os.geteuid() == 0:
        namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
        pid = fork_in_pid_namespace(namespace)
    else:
        pid, _ = make_pid_namespace(True)
    if pid == 0:
        os._exit(0 if os.getpid() == 1 else 1)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SandboxError("the child was not init of its namespace")


def _try_in_child(attempt):
    pid = os.fork()
    if pid == 0:
        try:
            attempt()
            code = 0
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


if __name__ == "__main__":
    ids = [int(value) for value in sys.argv[2:4]]
    if sys.argv[1:2] != ["--probe"] or len(ids) not in (0, 2):
        sys.stderr.write(__doc__)
        sys.exit(2)
    uid, gid = ids if ids else (os.geteuid(), os.getegid())
    print(json.dumps(probe(uid, gid)))
