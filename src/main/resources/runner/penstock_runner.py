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
"cpu_seconds" (a CPU-time guard, 0 for none), "max_output_bytes" (the most
JSON the return value may take, 0 for no limit) and, in request.json,
"sandbox" (penstock_sandbox's settings; absent, the step runs as this
process does). The step's packageRequirements are installed in the
interpreter that runs this (a virtual environment the server built), so the
runner does not check them. Optional, for values passed by reference
(penstock_artifacts; absent, every value is inline JSON):
    "outputs"             [{"name", "type"}]: the declared outputs. Empty,
                          the return value is ignored ("returned": null).
                          Otherwise each output's value is found as the
                          server finds it (a dict keyed by exactly the
                          declared names, or the whole value when one output
                          is declared), and a DataFrame, bytes, a path (or,
                          for an ATTACHMENT, a str naming a file), JSON over
                          "inline_limit", or, for type ANY, a value with no
                          JSON is stored under WORK_DIR/.penstock-values/ instead
    "inline_limit"        the most bytes of JSON one output keeps inline
                          (0: no limit)
    "max_artifact_bytes"  the most bytes one stored value may take (0: no
                          limit)
    "artifact_inputs"     {argument: {"file" (relative to WORK_DIR), "format"
                          (parquet, pickle, json, bytes, or file: its absolute
                          path), "name", "producer"}}: loaded before the call,
                          they replace those kwargs
result.json holds "status" and, by status:
    ok                "returned": the function's return value, null in place
                      of each value stored by reference; "references", when
                      there are any: {key: {"file" (relative to WORK_DIR),
                      "kind" (table, bytes, file, json, object), "format"
                      (parquet, pickle, bytes, file, json), "content_type",
                      "type_name" (the value's Python type), "json_type"
                      (for kind json: object, array, string, number, boolean
                      or null), "preview" (a few KB of JSON)}}, keyed by
                      output name, or by "" when the whole return value is
                      the one declared output's
    error             "error_type", "message", "traceback" (the user's frames)
    memory_exceeded   "traceback"
    not_serializable  "message" (not JSON, or nested too deep; a file output
                      that is missing; a value that could not be stored)
    output_too_large  "message" (its JSON is over max_output_bytes, or a
                      stored value is over max_artifact_bytes)
    input_error       "message" (an artifact input could not be loaded: the
                      function was not called)
    runner_error      "message" (the runner itself failed)
Every stored file is complete before result.json is written.
The user's prints go to this process's stdout and stderr, never into
result.json. When result.json cannot be written (a full disk), the runner
says why on stderr and exits with RESULT_NOT_WRITTEN_EXIT_CODE.

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

try:  # small, and imports next to nothing until used
    import penstock_artifacts
except ImportError:  # --inspect runs isolated (-I), without this folder on the path; it needs none
    penstock_artifacts = None

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
RESULT_NOT_WRITTEN_EXIT_CODE = 75  # EX_TEMPFAIL: the platform's fault, not the step's
MAX_OUTPUT_DEPTH = 100  # lists and dicts inside each other
OUTPUT_MEASURE_FACTOR = 10  # past this many times the limit, stop measuring
MAX_ERROR_TEXT = 32 * 1024  # characters kept of an exception's message and traceback
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
    stayed alive as this process's parent. Returns the watching thread's id.
    """

    def watch():
        while os.getppid() == parent and (server is None or alive(server)):
            time.sleep(WATCHDOG_INTERVAL_SECONDS)
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    return _thread.start_new_thread(watch, ())


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


def run_step(work_dir, launcher_group=None, request=None, end_leftovers=None,
             written=None):
    """Runs the step in request, or work_dir/request.json; writes result.json.

    Returns the process exit code: 0 when the function returned a value that
    could be written, 1 otherwise. Once result.json is written it lets go of
    stdout and stderr (see release_output). Touches only this process (memory
    limit, sys.modules, fds 1 and 2), its process group and work_dir, so a
    server that forks one child per step can call it in the child.
    launcher_group is what become_process_group_leader returned; when given,
    the processes the step leaves behind are killed before result.json is
    written, so a result on disk means nothing of the step runs any more.
    end_leftovers, when given, does that instead (a warm worker, which
    outlives the step, looks before it kills). written, when given, is
    called with the exit code once result.json is written, before the output
    ends: what it says about the step is said before the server learns the
    step is over.
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
    if end_leftovers is None:
        end_leftover_processes(launcher_group)
    else:
        end_leftovers()
    try:
        write_result(work_dir, result)
    except OSError as exc:
        sys.stderr.write(f"[penstock] cannot write {RESULT_FILE}: {exc}\n")
        release_output()
        return RESULT_NOT_WRITTEN_EXIT_CODE
    code = 0 if succeeded else 1
    if written is not None:
        written(code)
    release_output()
    return code


def execute(source_code, function_name, request, work_dir):
    """Runs the function; returns whether it succeeded and result.json."""
    apply_memory_limit(request.get("memory_gb") or 0)
    apply_cpu_limit(request.get("cpu_seconds") or 0)
    source_path = os.path.abspath(os.path.join(work_dir, MODULE_FILE))
    try:
        function = load_function(source_code, function_name, source_path)
        # After load_function: a pickled input of a class the step's module
        # defines finds it there.
        kwargs = dict(request.get("kwargs") or {})
        kwargs.update(penstock_artifacts.load_inputs(
            request.get("artifact_inputs") or {}, work_dir))
        returned = call(function, kwargs)
        return encode_outputs(returned, function_name, request, work_dir)
    except penstock_artifacts.Refused as refusal:
        return False, refusal.result()
    except MemoryError as exc:
        return False, json.dumps({
            "status": "memory_exceeded",
            "traceback": user_traceback(exc, source_path),
        })
    except BaseException as exc:  # the user's SystemExit too
        return False, json.dumps({
            "status": "error",
            "error_type": qualified_type_name(type(exc)),
            "message": shortened(str(exc), keep="head"),
            "traceback": shortened(user_traceback(exc, source_path),
                                   keep="tail"),
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


def encode_outputs(returned, function_name, request, work_dir):
    """encode_returned, for the outputs the request declares, if it does.

    With none declared the value is ignored. Outputs that cannot or should
    not travel inline are stored as files first (see penstock_artifacts),
    and null takes their place in what is encoded; if the rest fails, the
    files go too.
    """
    max_bytes = request.get("max_output_bytes") or 0
    declared = request.get("outputs")
    if declared is None:
        return encode_returned(returned, function_name, max_bytes)
    if not declared:
        return True, json.dumps({"status": "ok", "returned": None})
    max_artifact_bytes = request.get("max_artifact_bytes") or 0
    storage = penstock_artifacts.Storage(
        work_dir, request.get("inline_limit") or 0, max_artifact_bytes,
        format_size,
        lambda value: nested_deeper_than(value, MAX_OUTPUT_DEPTH,
                                         max_artifact_bytes))
    inline, references = storage.store_outputs(returned, declared)
    succeeded, result = encode_returned(inline, function_name, max_bytes,
                                        references)
    if not succeeded:
        storage.discard()
    return succeeded, result


def encode_returned(returned, function_name, max_bytes=0, references=None):
    """Returns whether the value can be the step's result, and result.json.

    It is encoded piece by piece, counting, so that a value far over
    max_bytes is refused without its JSON ever being held whole. references,
    when there are any, go into result.json beside it.
    """
    def failure(status, message):
        return False, json.dumps({"status": status, "message": message})

    if nested_deeper_than(returned, MAX_OUTPUT_DEPTH, max_bytes):
        return failure(
            "not_serializable",
            f"the value returned by {function_name} is nested more than"
            f" {MAX_OUTPUT_DEPTH} lists or dicts deep, more than Penstock"
            f" passes between steps")
    chunks, size = [], 0
    give_up = max_bytes * OUTPUT_MEASURE_FACTOR
    try:
        for chunk in json.JSONEncoder(allow_nan=False).iterencode(returned):
            size += len(chunk)  # ASCII: ensure_ascii escapes the rest
            if not max_bytes or size <= max_bytes:
                chunks.append(chunk)
            elif chunks:
                chunks = []
            elif size > give_up:
                break
    except (TypeError, ValueError, RecursionError) as exc:
        return failure(
            "not_serializable",
            f"the value returned by {function_name} is not JSON-serializable"
            f" ({type(returned).__name__}): {exc}")
    if max_bytes and size > max_bytes:
        measured, limit = format_size(size), format_size(max_bytes)
        if size > give_up:
            measured = f"more than {format_size(give_up)}"
        elif measured == limit:  # "10 MB, over the limit of 10 MB" says nothing
            measured, limit = f"{size} bytes", f"{max_bytes} bytes"
        return failure(
            "output_too_large",
            f"the outputs of {function_name} are {measured} of JSON, over the"
            f" limit of {limit} (max-output-size)")
    result = '{"status": "ok", "returned": ' + "".join(chunks)
    if references:
        result += ', "references": ' + json.dumps(references)
    return True, result + "}"


def nested_deeper_than(value, limit, budget=0):
    """Whether lists and dicts nest past limit; without recursion, so a
    value nested thousands deep cannot crash the runner. A value that
    contains itself nests without end, so it is too deep too. It looks at
    no more than budget items (0: all of them): each takes at least a byte
    of JSON, so a value with more is too large anyway, which the encoder
    finds out within its own bounds."""
    containers = (dict, list, tuple)
    level = [value] if isinstance(value, containers) else []
    depth, looked_at = 0, 0
    while level:  # one level of nesting at a time
        depth += 1
        if depth > limit:
            return True
        inner = []
        for item in level:
            looked_at += len(item)
            if budget and looked_at > budget:
                return False
            children = item.values() if isinstance(item, dict) else item
            inner += [child for child in children
                      if isinstance(child, containers)]
        level = inner
    return False


def format_size(size):
    """10 MB, 49.6 MB: as the server writes sizes (MB = 1024 * 1024 B)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            number = f"{size / factor:.1f}"
            return number.removesuffix(".0") + " " + unit
    return f"{size} bytes"


def shortened(text, keep):
    """text, or its head or tail when it is over MAX_ERROR_TEXT."""
    if len(text) <= MAX_ERROR_TEXT:
        return text
    cut = len(text) - MAX_ERROR_TEXT
    note = f"[... {cut} characters cut ...]"
    if keep == "head":
        return text[:MAX_ERROR_TEXT] + note
    return note + text[-MAX_ERROR_TEXT:]


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
    try:
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)  # give back what it took of a full disk
        except OSError:
            pass
        raise


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
