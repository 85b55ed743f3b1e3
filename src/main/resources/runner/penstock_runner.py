"""Penstock's step runner: runs one pipeline step's Python function.

Usage:
    python -u penstock_runner.py WORK_DIR
        Runs the step described by WORK_DIR/request.json and writes
        WORK_DIR/result.json.
    python penstock_runner.py --inspect
        Reads {"source": ..., "function": ...} lines on stdin and prints
        what it finds in each, one JSON line per request, without running
        anything, until stdin ends.

request.json (or the same object, which a fork server passes to run_step)
holds "source_code", "function_name", "kwargs" (an object; the
function is called as function(**kwargs)), "memory_gb" (0 for no limit),
"cpu_seconds" (a CPU-time guard, 0 for none) and, in request.json,
"sandbox" (penstock_sandbox's settings; absent, the step runs as this
process does). The step's packageRequirements
are installed in the interpreter that runs this (a virtual environment the
server built), so the runner does not check them. result.json holds "status"
and, by status:
    ok                "returned": the function's return value
    error             "error_type", "message", "traceback" (the user's frames)
    memory_exceeded   "traceback"
    not_serializable  "message"
    runner_error      "message" (the runner itself failed)
The user's prints go to this process's stdout and stderr, never into
result.json.

Standard library only; Python 3.9 or later; Linux (process groups, RLIMIT_AS).
"""

import _thread
import faulthandler
import json
import os
import resource
import signal
import sys
import time
import types

# Other modules (asyncio, ast, traceback) are imported
# where they are needed: together they take longer to import than the
# interpreter takes to start, and most steps need none of them. For the same
# reason the watchdog uses _thread, not threading.

REQUEST_FILE = "request.json"
RESULT_FILE = "result.json"
MODULE_NAME = "penstock_step"
MODULE_FILE = MODULE_NAME + ".py"
PARENT_PID_VARIABLE = "PENSTOCK_PARENT_PID"
WATCHDOG_INTERVAL_SECONDS = 0.25
CPU_KILL_GRACE_SECONDS = 5  # then SIGKILL, for a step that ignores SIGXCPU


def main(argv):
    if argv[1:] == ["--inspect"]:
        return serve_inspections()
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    server = os.environ.pop(PARENT_PID_VARIABLE, None)
    server = int(server) if server else None
    work_dir = argv[1]
    request = read_request(work_dir)
    launcher_group = become_process_group_leader()
    sandbox = (request or {}).get("sandbox")
    if sandbox:
        import penstock_sandbox
        launcher_group = enter_sandbox(penstock_sandbox, sandbox, work_dir,
                                       launcher_group, server)
    else:
        start_parent_watchdog(os.getppid(), server)
    faulthandler.enable()
    exit_code = run_step(work_dir, launcher_group, request)
    flush_output()
    # Leave without waiting for threads the step may have left running: the
    # step is over once result.json exists, and a forgotten non-daemon thread
    # would otherwise hold the attempt until its timeout.
    os._exit(exit_code)


def read_request(work_dir):
    """request.json, or None when it cannot be read (run_step then says why)."""
    try:
        with open(os.path.join(work_dir, REQUEST_FILE), encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


def enter_sandbox(sandbox_module, settings, work_dir, launcher_group, server):
    """Confines this process; returns the launcher group for run_step.

    With a PID namespace to make, this process forks once: the child, init of
    the namespace, runs the step; this one waits outside it, watching the
    server, and exits as the child did.
    """
    own_namespace = settings.get("pid_namespace") == "given"
    lifeline = None
    parent = os.getppid()
    if settings.get("pid_namespace") == "make":
        pid, lifeline = sandbox_module.make_pid_namespace(
            settings.get("user_namespace"))
        if pid:
            sandbox_module.supervise(
                pid, lambda: os.getppid() == parent and (
                    server is None or alive(server)),
                WATCHDOG_INTERVAL_SECONDS)
        own_namespace, launcher_group = True, None
    try:
        ruleset = sandbox_module.prepare_landlock(
            settings, sandbox_module.landlock_paths(settings))
    except (sandbox_module.SandboxError, OSError) as exc:
        ruleset = exc
    if not confine(sandbox_module, work_dir,
                   lambda rules: sandbox_module.confine(
                       settings, work_dir, rules, own_namespace, lifeline),
                   ruleset):
        os._exit(1)
    if not own_namespace:  # after confine: a user namespace needs one thread
        start_parent_watchdog(parent, server)
    return launcher_group


def confine(sandbox_module, work_dir, confinement, ruleset):
    """Calls confinement(ruleset); False, with a result saying why, if it
    fails: the step's code then never runs. ruleset may be the exception
    that kept it from being made, or one that the confinement raised before.
    """
    try:
        if isinstance(ruleset, Exception):
            raise ruleset
        confinement(ruleset)
        return True
    except (sandbox_module.SandboxError, OSError) as exc:
        write_result(work_dir, json.dumps({
            "status": "runner_error",
            "message": f"cannot confine the step to its sandbox: {exc}"}))
        release_output()
        return False


def become_process_group_leader():
    """Leads a new process group, so the step's tree can be signalled as one.

    Returns the group this process came from, or None if it led its group
    already. It stays in its session (setpgid, not setsid) so that it can go
    back to that group at the end: see end_leftover_processes.
    """
    launcher_group = os.getpgrp()
    if launcher_group == os.getpid():
        return None
    os.setpgid(0, 0)
    return launcher_group


def start_parent_watchdog(parent, server=None):
    """Kills this process group once its parent, or the server, has died.

    The server signals the group when it stops a step; if the server itself
    is killed with SIGKILL nobody does, so the step must notice on its own.
    A parent's death shows as a new parent pid. The server's pid, passed in
    PENSTOCK_PARENT_PID, is watched too: it also catches a server that died
    before this started, and one that ran Python through a wrapper that
    stayed alive as this process's parent.
    """

    def watch():
        while os.getppid() == parent and (server is None or alive(server)):
            time.sleep(WATCHDOG_INTERVAL_SECONDS)
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    _thread.start_new_thread(watch, ())


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True


def flush_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()


def run_step(work_dir, launcher_group=None, request=None):
    """Runs the step in request, or work_dir/request.json; writes result.json.

    Returns the process exit code: 0 when the function returned a value that
    could be written, 1 otherwise. Once result.json is written it lets go of
    stdout and stderr (see release_output). Touches only this process (memory
    limit, sys.modules, fds 1 and 2), its process group and work_dir, so a
    server that forks one child per step can call it in the child.
    launcher_group is what become_process_group_leader returned; when given,
    the processes the step leaves behind are killed before result.json is
    written, so a result on disk means nothing of the step runs any more.
    """
    try:
        if request is None:
            path = os.path.join(work_dir, REQUEST_FILE)
            with open(path, encoding="utf-8") as file:
                request = json.load(file)
        source_code = request["source_code"]
        function_name = request["function_name"]
    except (OSError, ValueError, KeyError) as exc:
        message = f"cannot read {REQUEST_FILE}: {exc!r}"
        succeeded = False
        result = json.dumps({"status": "runner_error", "message": message})
    else:
        succeeded, result = execute(
            source_code, function_name, request, work_dir)
    end_leftover_processes(launcher_group)
    write_result(work_dir, result)
    release_output()
    return 0 if succeeded else 1


def execute(source_code, function_name, request, work_dir):
    """Runs the function; returns whether it succeeded and result.json."""
    apply_memory_limit(request.get("memory_gb") or 0)
    apply_cpu_limit(request.get("cpu_seconds") or 0)
    source_path = os.path.abspath(os.path.join(work_dir, MODULE_FILE))
    try:
        function = load_function(source_code, function_name, source_path)
        returned = call(function, request.get("kwargs") or {})
        return encode_returned(returned, function_name)
    except MemoryError as exc:
        return False, json.dumps({
            "status": "memory_exceeded",
            "traceback": user_traceback(exc, source_path),
        })
    except BaseException as exc:  # the user's SystemExit too
        return False, json.dumps({
            "status": "error",
            "error_type": qualified_type_name(type(exc)),
            "message": str(exc),
            "traceback": user_traceback(exc, source_path),
        })


def apply_memory_limit(memory_gb):
    """Caps the address space, so allocations past it raise MemoryError."""
    if memory_gb <= 0:
        return
    limit = int(memory_gb * 1024 ** 3)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def apply_cpu_limit(cpu_seconds):
    """A guard behind the server's wall-clock timeout: past it, SIGXCPU.

    The server sets it to the timeout times the number of cores, so only a
    step the server failed to stop in time can reach it.
    """
    if cpu_seconds <= 0:
        return
    soft, hard = cpu_seconds, cpu_seconds + CPU_KILL_GRACE_SECONDS
    _, current_hard = resource.getrlimit(resource.RLIMIT_CPU)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def load_function(source_code, function_name, source_path):
    """Runs the source as module penstock_step, from a real file.

    The file lets tracebacks show the user's source lines.
    """
    with open(source_path, "w", encoding="utf-8") as file:
        file.write(source_code)
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = source_path
    # Registered so that pickle and inspect find the step's functions.
    sys.modules[MODULE_NAME] = module
    code = compile(source_code, source_path, "exec", dont_inherit=True)
    exec(code, module.__dict__)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise NameError(
            f"the step's source defines no function named {function_name!r}")
    return function


def call(function, kwargs):
    returned = function(**kwargs)
    if isinstance(returned, types.CoroutineType):  # an async def
        import asyncio
        return asyncio.run(returned)
    return returned


def encode_returned(returned, function_name):
    try:
        text = json.dumps({"status": "ok", "returned": returned},
                          allow_nan=False)
        return True, text
    except (TypeError, ValueError, RecursionError) as exc:
        return False, json.dumps({
            "status": "not_serializable",
            "message": f"the value returned by {function_name} is not"
                       f" JSON-serializable ({type(returned).__name__}):"
                       f" {exc}",
        })


def qualified_type_name(exc_type):
    """The exception's name as Python's own traceback prints it."""
    module = exc_type.__module__
    if module in ("builtins", "__main__"):
        return exc_type.__qualname__
    return f"{module}.{exc_type.__qualname__}"


def user_traceback(exc, source_path):
    """Formats exc like Python does, without the frames above the user's."""
    import traceback
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != source_path:
        tb = tb.tb_next
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except MemoryError:
        text = f"{qualified_type_name(type(exc))}: {exc}\n"
    # Release the frames' locals: after a MemoryError they may hold what
    # filled the memory.
    traceback.clear_frames(exc.__traceback__)
    sys.stderr.write(text)
    return text


def release_output():
    """Flushes stdout and stderr, then points them at /dev/null.

    The server takes the end of the output, once result.json exists, as the
    end of the step: it need not wait for this process to exit, which on a
    virtual machine takes milliseconds.
    """
    flush_output()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def end_leftover_processes(launcher_group):
    """Kills what the step left running in its group, but not this process.

    A group leader cannot signal its group without signalling itself, so it
    first moves back into the group it came from, which is allowed within a
    session. Doing this here saves the server a kill(1) after every step. In a
    PID namespace of its own it kills the rest of the namespace instead, which
    also reaches what left the group (a new session, a double fork).
    """
    sandbox = sys.modules.get("penstock_sandbox")
    if sandbox is not None and sandbox.end_namespace():
        return
    if launcher_group is None:
        return
    try:
        os.setpgid(0, launcher_group)
    except OSError:
        return  # that group is gone; the server kills the step's group
    try:
        os.killpg(os.getpid(), signal.SIGKILL)
    except ProcessLookupError:
        pass  # nothing was left behind


def write_result(work_dir, text):
    """Writes result.json atomically: the server never sees half a result."""
    path = os.path.join(work_dir, RESULT_FILE)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def serve_inspections():
    """Answers inspection requests, one line each, until stdin ends.

    One warm process serves every definition call: parsing never runs the
    code, so nothing of one request's source can reach the next.
    """
    import warnings
    warnings.simplefilter("ignore")  # compile's SyntaxWarnings are not answers
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            found = inspect_source(request["source"], request["function"])
        except (RecursionError, MemoryError) as exc:  # nesting too deep
            found = {"inspector_error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(found) + "\n")
        sys.stdout.flush()
    return 0


def inspect_source(source, function_name):
    """Parses source without running it; describes function_name in it."""
    import ast
    try:
        # compile, not only ast.parse: the compiler raises some errors
        # ('return' outside a function) that would fail the step's import.
        compile(source, MODULE_FILE, "exec", dont_inherit=True)
        tree = ast.parse(source, MODULE_FILE)
    except SyntaxError as exc:
        return {"syntax_error": {"line": exc.lineno, "message": exc.msg}}
    except ValueError as exc:  # e.g. a null byte in the source
        return {"syntax_error": {"line": None, "message": str(exc)}}
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    found = None
    for node in tree.body:
        if isinstance(node, functions) and node.name == function_name:
            found = node  # the last definition wins, as when the module runs
    if found is None:
        return {"function_found": False, "parameters": [],
                "accepts_kwargs": False}
    arguments = found.args
    names = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    return {
        "function_found": True,
        "parameters": [argument.arg for argument in names],
        "accepts_kwargs": arguments.kwarg is not None,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv))
