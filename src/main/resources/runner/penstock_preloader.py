"""Penstock's preloader: imports, in the fork server, what steps will import.

The fork server calls it before it forks the steps that import those
modules, so that each child finds them loaded instead of paying their
import (see penstock_fork_server's "preload" request).

Standard library only; Python 3.9 or later.
"""

import importlib
import importlib.util
import os
import signal
import sys


class Preloader:
    """Imports modules into the fork server, so that steps find them loaded.

    A step that imports pandas then pays a fork instead of the import (as
    multiprocessing's forkserver does with set_forkserver_preload). Only
    modules of the interpreter's own installation are loaded: in a virtual
    environment built for a step's packageRequirements, its packages would
    run their code here, outside the sandbox the steps are confined to. A
    module that is missing, raises, or takes too long is skipped with the
    reason, and never fails a step: the step imports it itself, as without
    preloading.
    """

    def __init__(self, seconds):
        self.deadline = seconds

    def load(self, names):
        """Returns the names loaded, the skipped ones with why, and why no
        child may be forked any more (a module started threads), if so."""
        loaded, skipped = [], {}
        previous = signal.signal(signal.SIGALRM, _out_of_time)
        signal.alarm(self.deadline)
        try:
            for index, name in enumerate(names):
                why = self.load_one(name)
                if why is not None:
                    skipped[name] = why
                    continue
                retired = threads_started(name)
                if retired:
                    skipped[name] = retired
                    for later in names[index + 1:]:
                        skipped[later] = "not tried: " + retired
                    return loaded, skipped, retired
                loaded.append(name)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        return loaded, skipped, None

    @staticmethod
    def load_one(name):
        if not name.isidentifier():
            return "not a module name"
        if name in sys.modules:
            return None
        try:
            spec = importlib.util.find_spec(name)
            if spec is None:
                return "not installed"
            if in_virtual_environment(spec):
                return ("installed for the step's packageRequirements: loaded"
                        " only inside the step's sandbox")
            _IMPORTING[0] = True
            try:
                importlib.import_module(name)
            finally:
                _IMPORTING[0] = False
            return None
        except PreloadTimeout:
            return f"took longer than {self.deadline} s to import"
        except BaseException as exc:  # its SystemExit too: never the server's
            return f"{type(exc).__name__}: {exc}"[:500]


class PreloadTimeout(Exception):
    pass


# Whether an import is under way: the deadline interrupts only that, never
# the server's own code around it, where an exception would end the server.
_IMPORTING = [False]


def _out_of_time(signum, frame):
    if _IMPORTING[0]:
        raise PreloadTimeout()


def in_virtual_environment(spec):
    """Whether the module comes from a virtual environment's own packages."""
    if sys.prefix == sys.base_prefix:
        return False
    places = [spec.origin] if spec.origin else []
    places += list(spec.submodule_search_locations or [])
    prefix = os.path.join(os.path.realpath(sys.prefix), "")
    return any(os.path.realpath(place).startswith(prefix) for place in places)


def threads_started(name):
    """Why forking is no longer safe, or None: the module left threads
    running, and a child forked now could inherit a lock one of them held."""
    threading = sys.modules.get("threading")
    if threading is None or threading.active_count() <= 1:
        return None
    return (f"preloading {name} started threads, after which forking is"
            f" unsafe")
