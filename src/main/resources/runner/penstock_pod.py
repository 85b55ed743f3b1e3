"""Penstock's entry point in a Kubernetes pod: runs one step attempt there.

Usage:
    python3 /penstock/attempt/penstock_pod.py

The attempt's Secret is mounted at /penstock/attempt. It holds this script,
penstock_runner.py and penstock_artifacts.py, and pod.json:
    "server_url"      where the server's API is
    "token"           the attempt's token, for the server's internal calls
    "attempt_path"    /internal/attempts/<step version>/<attempt>
    "environment"     the step's environment variables
    "requirements"    pip requirements to install first (may be empty)
    "files"           {secret key: path relative to the working directory}:
                      request.json (the runner's request), the run's modules
                      and the stored values the step reads
    "bundle"          true when those files were too large for the Secret:
                      they are fetched as a zip from <attempt_path>/bundle
    "work_dir"        the working directory the environment's paths name
                      (/penstock/work); PENSTOCK_WORK_DIR may move it
The step runs in WORK_DIR (/penstock/work, the pod's own emptyDir). When the
runner has exited, the files it left to be kept (.penstock-values/ and
outputs/) are declared with their sizes (a POST of {"files": {path: size},
"result": size} to <attempt_path>/manifest, which the server may refuse),
then go back to the server with result.json last, each with a PUT to
<attempt_path>/files/<path> and <attempt_path>/result. The container's
termination message says whether that worked; when it did not, it holds the
result itself if it fits, a backup for small results. Exit codes: the
runner's; 3 when the requirements could not be installed, 4 when the
attempt's files could not be had (the termination message says why).
"""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

ATTEMPT_DIR = os.environ.get("PENSTOCK_ATTEMPT_DIR", "/penstock/attempt")
WORK_DIR = os.environ.get("PENSTOCK_WORK_DIR", "/penstock/work")
PACKAGES_DIR = os.path.join(WORK_DIR, ".penstock-packages")
TERMINATION_LOG = os.environ.get("PENSTOCK_TERMINATION_LOG",
                                 "/dev/termination-log")
TERMINATION_LIMIT = 4000  # Kubernetes keeps at most 4096 bytes of it
KEPT_FOLDERS = (".penstock-values", "outputs")
# These exit codes, and the termination messages below that start "the result
# could not be sent" and "the server refused what the step left", are read by
# KubernetesAttempt.java: change them there too.
MISSING_PACKAGES_EXIT = 3
NO_FILES_EXIT = 4
SEND_DEADLINE_SECONDS = 120
STOP_GRACE_SECONDS = 10


# The process this one waits on now (pip, then the runner), for SIGTERM to end.
current = None


def main():
    # As PID 1 of its container this process would ignore SIGTERM: pass it on to
    # what runs now (the runner ends its process group), then leave.
    signal.signal(signal.SIGTERM, lambda *_: stop())
    with open(os.path.join(ATTEMPT_DIR, "pod.json"), encoding="utf-8") as f:
        pod = json.load(f)
    os.makedirs(WORK_DIR, exist_ok=True)
    try:
        place_files(pod)
    except Exception as exc:  # a truncated bundle too: say why, whatever it is
        terminate(f"the step's files could not be had: {exc}")
        return NO_FILES_EXIT
    environment = dict(os.environ)
    named = pod.get("work_dir") or WORK_DIR
    for name, value in (pod.get("environment") or {}).items():
        environment[name] = value.replace(named, WORK_DIR) if value else value
    requirements = pod.get("requirements") or []
    if requirements:
        error = install(requirements, environment)
        if error is not None:
            terminate(error)
            return MISSING_PACKAGES_EXIT
        path = environment.get("PYTHONPATH")
        environment["PYTHONPATH"] = PACKAGES_DIR + (":" + path if path else "")
    runner = os.path.join(ATTEMPT_DIR, "penstock_runner.py")
    sys.stdout.flush()
    exit_code = wait(subprocess.Popen([sys.executable, "-u", runner, WORK_DIR],
                                      cwd=WORK_DIR, env=environment))
    send_back(pod)
    return exit_code


def wait(child):
    global current
    current = child
    try:
        return child.wait()
    finally:
        current = None


def stop():
    child = current
    if child is not None:
        child.terminate()
        try:
            child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
    os._exit(143)


def place_files(pod):
    """Puts request.json, the modules and the input values in WORK_DIR."""
    for name in ("modules", "outputs"):
        os.makedirs(os.path.join(WORK_DIR, name), exist_ok=True)
    if pod.get("bundle"):
        # To a file, not memory: the step's memory limit is the pod's too.
        zipped = os.path.join(WORK_DIR, ".penstock-bundle.zip")
        with call(pod, "GET", "/bundle", None) as answer, open(zipped, "wb") as f:
            shutil.copyfileobj(answer, f)
        with zipfile.ZipFile(zipped) as bundle:
            for member in bundle.namelist():
                target = inside_work_dir(member)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with bundle.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        os.remove(zipped)
        return
    for key, relative in (pod.get("files") or {}).items():
        target = inside_work_dir(relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(ATTEMPT_DIR, key), target)


def inside_work_dir(relative):
    target = os.path.normpath(os.path.join(WORK_DIR, relative))
    if not target.startswith(WORK_DIR + os.sep):
        raise ValueError(f"{relative!r} lies outside the working directory")
    return target


def install(requirements, environment):
    """pip-installs the requirements; None, or the installer's error."""
    print("[penstock] installing " + " ".join(requirements), flush=True)
    pip = subprocess.Popen(
        [sys.executable, "-m", "pip", "install", "--no-input",
         "--disable-pip-version-check", "--target", PACKAGES_DIR,
         *requirements],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    global current
    current = pip  # a SIGTERM during the install ends pip
    output = pip.stdout.read()
    if wait(pip) == 0:
        return None
    tail = output.strip()[-(TERMINATION_LIMIT - 200):]
    return f"pip could not install {', '.join(requirements)}:\n{tail}"


def send_back(pod):
    """Sends the kept files, then result.json; says in the termination
    message how it went."""
    result_file = os.path.join(WORK_DIR, "result.json")
    if not os.path.isfile(result_file):
        terminate("the runner left no result")
        return
    try:
        kept = {}
        for folder in KEPT_FOLDERS:
            root = os.path.join(WORK_DIR, folder)
            for directory, _, names in os.walk(root):
                for name in names:
                    path = os.path.join(directory, name)
                    if os.path.isfile(path) and not os.path.islink(path):
                        kept[os.path.relpath(path, WORK_DIR)] = path
        # Declared first, so what the server would refuse never travels.
        manifest = json.dumps({
            "files": {name.replace(os.sep, "/"): os.path.getsize(path)
                      for name, path in kept.items()},
            "result": os.path.getsize(result_file)}).encode("utf-8")
        call(pod, "POST", "/manifest", io.BytesIO(manifest), len(manifest)).close()
        for relative, path in kept.items():
            send_file(pod, "/files/" + quote(relative), path)
        send_file(pod, "/result", result_file)
        terminate("sent")
    except Refused as exc:
        terminate(f"the server refused what the step left: {exc}")
    except Exception as exc:  # the server out of reach, past the deadline
        with open(result_file, "rb") as f:
            result = f.read(TERMINATION_LIMIT + 1)
        if len(result) <= TERMINATION_LIMIT:
            terminate(result.decode("utf-8", "replace"))
        else:
            terminate(f"the result could not be sent to the server: {exc}")


def quote(relative):
    return "/".join(urllib.parse.quote(part, safe="")
                    for part in relative.split(os.sep))


def send_file(pod, suffix, path):
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        call(pod, "PUT", suffix, f, size).close()


def call(pod, method, suffix, body, size=None):
    """One internal call, tried again on a network fault or a 5xx until the
    deadline; a 4xx is final (the attempt was superseded, say)."""
    url = pod["server_url"].rstrip("/") + pod["attempt_path"] + suffix
    deadline = time.monotonic() + SEND_DEADLINE_SECONDS
    delay = 0.5
    while True:
        if body is not None:
            body.seek(0)
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Authorization", "Bearer " + pod["token"])
        if size is not None:
            request.add_header("Content-Length", str(size))
            request.add_header("Content-Type", "application/octet-stream")
        try:
            return urllib.request.urlopen(request, timeout=60)
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code != 409:
                raise Refused(f"{suffix}: {read_error(exc)}")
            if exc.code < 500 or time.monotonic() > deadline:
                raise urllib.error.URLError(
                    f"{method} {suffix}: HTTP {exc.code} {read_error(exc)}")
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 5)


class Refused(Exception):
    """The server refused what the step sent (too large, say): the step's
    doing, which no retry mends."""


def read_error(exc):
    try:
        return json.loads(exc.read()).get("error", "")
    except (OSError, ValueError, AttributeError):
        return ""


def terminate(message):
    try:
        with open(TERMINATION_LOG, "w", encoding="utf-8") as f:
            f.write(message[:TERMINATION_LIMIT])
    except OSError:
        pass  # not in a pod: the exit code still says it


if __name__ == "__main__":
    sys.exit(main())
