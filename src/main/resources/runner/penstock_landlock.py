"""Penstock's Landlock rules for a step: everything but the server's files.

The step reads everything but the hidden paths (the server's data directory,
its config file) and, inside them, the readable ones (the runner, its
environment); it writes its working directory and the writable ones
(directories steps share) only. Settings, in penstock_sandbox's "landlock":
    {"abi": N, "hidden": [...], "readable": [...], "writable": [...]}
From ABI 6 on it can neither signal nor connect to an abstract socket of a
process outside its own sandbox. Landlock only allows: "everything but" is
made of the siblings of every directory on the way down to a hidden path.

Standard library only; Python 3.9 or later; Linux 5.13 or later.
"""

import ctypes
import os
import stat
import struct
import sys

# Landlock (linux/landlock.h): the same syscall numbers on every architecture.
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
RULE_SIZE = 12  # struct landlock_path_beneath_attr, packed
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ_RIGHTS = EXECUTE | READ_FILE | READ_DIR
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
# landlock_add_rule with its argument types set once: a step adds hundreds.
_add_rule = ctypes.CDLL(None, use_errno=True).syscall
_add_rule.restype = ctypes.c_long
_add_rule.argtypes = (ctypes.c_long, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                      ctypes.c_uint32)


class LandlockError(OSError):
    """A Landlock call failed; the step must not run."""


def _check(result, what):
    if result < 0:
        errno = ctypes.get_errno()
        raise LandlockError(errno, f"{what}: {os.strerror(errno)}")
    return result


def landlock_abi():
    """The kernel's Landlock ABI version, 0 when it has none."""
    result = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                           ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(result, 0)


def _handled_rights(abi):
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def visible_roots(hidden):
    """The top paths a step may read: everything but the hidden paths.

    Landlock only allows, so "all but these" becomes the siblings of every
    directory on the way down to a hidden path. Symbolic links are left out:
    what they point to is allowed or not in its own place.
    """
    hidden = {os.path.realpath(path) for path in hidden}
    if "/" in hidden:
        return []
    ancestors = set()
    for path in hidden:
        parent = os.path.dirname(path)
        while parent not in ancestors:
            ancestors.add(parent)
            if parent == "/":
                break
            parent = os.path.dirname(parent)
    if not ancestors:
        return ["/"]
    roots = []
    for directory in sorted(ancestors):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(directory, entry.name)
            if path in hidden or path in ancestors or entry.is_symlink():
                continue
            roots.append(path)
    return roots


def landlock_paths(settings):
    """The paths a step reads: everything but the hidden, and the readable.

    Listing directories costs: a fork server does it once, not per step.
    """
    landlock = settings.get("landlock")
    if not landlock:
        return None
    readable = list(landlock.get("readable") or []) + interpreter_paths()
    return visible_roots(landlock["hidden"]) + readable


class Rules:
    """A step's Landlock rules, all but its working directory's, made ready once.

    The paths are opened here, and the rules packed: a fork server makes this
    once, and each child only hands the rules to a ruleset of its own (see
    ruleset), which costs it a system call a rule and no more. Paths made
    after this are not readable by steps: the rules fail closed.
    """

    def __init__(self, settings, paths):
        landlock = settings["landlock"]
        abi = int(landlock["abi"])
        self.rights = _handled_rights(abi)
        scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
        size = 24 if abi >= 6 else 16 if abi >= 4 else 8
        self.attr = ctypes.create_string_buffer(
            struct.pack("=QQQ", self.rights, 0, scoped)[:size], size)
        self.fds = []
        packed = []
        wanted = [(path, READ_RIGHTS) for path in paths]
        wanted += [(path, READ_FILE | WRITE_FILE | TRUNCATE | IOCTL_DEV)
                   for path in DEVICES]
        wanted += [(path, self.rights) for path in landlock.get("writable") or []]
        for path, access in wanted:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # a sibling deleted since it was listed
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                access &= FILE_RIGHTS
            self.fds.append(fd)
            packed.append(struct.pack("=Qi", access & self.rights, fd))
        self.rules = ctypes.create_string_buffer(b"".join(packed))
        self.count = len(packed)
        # Once here, so that what a first call sets up is not copied (on
        # write) into every child.
        os.close(self.ruleset())

    def ruleset(self):
        """A new ruleset holding the rules (in a forked child: the fds are its)."""
        ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, self.attr,
                                       ctypes.c_size_t(len(self.attr)),
                                       ctypes.c_uint32(0)),
                         "landlock_create_ruleset")
        base = ctypes.addressof(self.rules)
        add = _add_rule
        for address in range(base, base + RULE_SIZE * self.count, RULE_SIZE):
            if add(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH,
                   address, 0) < 0:
                errno = ctypes.get_errno()
                os.close(ruleset)
                raise LandlockError(errno, f"landlock_add_rule: {os.strerror(errno)}")
        return ruleset

    def close(self):
        for fd in self.fds:
            os.close(fd)


def prepare_landlock(settings, paths):
    """The step's ruleset, all but its working directory; None without Landlock."""
    if not settings.get("landlock"):
        return None
    rules = Rules(settings, paths)
    try:
        return rules.ruleset()
    finally:
        rules.close()


def interpreter_paths():
    """Where this interpreter and its environment live: a step reads them."""
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    return sorted(os.path.realpath(path) for path in paths if path)


def restrict(settings, work_dir, ruleset):
    """Adds work_dir's rule (every right) and restricts this thread, and the
    threads and processes it starts, to the ruleset; closes it."""
    try:
        rights = _handled_rights(int(settings["landlock"]["abi"]))
        _allow(ruleset, work_dir, rights, rights)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset),
                             ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)


def _allow(ruleset, path, access, handled):
    """Adds a rule for path (opened here, closed after)."""
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= FILE_RIGHTS
        rule = ctypes.create_string_buffer(struct.pack("=Qi", access & handled, fd))
        _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset),
                             ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), rule,
                             ctypes.c_uint32(0)),
               f"landlock_add_rule {path}")
    finally:
        os.close(fd)
