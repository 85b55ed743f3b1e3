#!/usr/bin/env python3
"""What a step costs the fork server and its child, without the Java server.

Starts src/main/resources/runner/penstock_fork_server.py as the Java server
does, then runs trivial steps through it one after another, speaking its
protocol (see that script's docstring): run, open the child's output pipe,
release, read the output to its end, wait for the exit. Prints per step the
wall time and the CPU time of the fork server itself and of its children
(from /proc/<pid>/stat, in clock ticks, so each figure is good to about
10 ms / steps).

Usage: bench/fork-server-cost.py [--python /usr/bin/python3] [--steps 200]
                                 [--input-size 0] [--sandbox MODES] [--pandas]
                                 [--rounds 1] [--runner-dir DIR]
                                 [--baseline DIR] [--data-parent DIR] [--warm]
    --input-size N gives each step an N-element list as an input, as the
    squares of a fan-out of N receive their source's list.
    --sandbox MODES, a comma-separated list, runs the steps once per mode
    and round, the modes taking turns so that a drift of the machine's speed
    touches them alike:
        plain      no sandbox settings (children run as the server does)
        contained  as the Java server runs them as root without Landlock:
                   as nobody, each in its own PID and user namespace, with
                   process and file-size limits
        landlock   contained, plus Landlock hiding a data directory
    --runner-dir DIR takes the scripts from DIR instead of this tree's.
    --baseline DIR adds a mode "baseline": plain, with the scripts of DIR (an
    older build's src/main/resources/runner), taking its turn with the others.
    --pandas runs WORKLOADS.md W4's frame step (import pandas, group 1,000
    rows) instead of the trivial one, after asking the fork server to
    preload pandas as the Java server does, so that the Python side of a
    real data step is measured alone (Debian's python3-pandas).
    --warm runs the steps as one run's on a warm worker (isolation run: the
    "warm" request), not each in a child of its own; a worker's CPU counts
    among the children's, read from its own /proc entry while it lives.
    --data-parent DIR makes the data directory there (default: the system's
    temporary directory). Landlock's rules are one per entry beside the way
    down to the data directory, so a crowded parent costs each step more.
"""

import argparse
import json
import os
import pwd
import subprocess
import tempfile
import time

RUNNER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", "src", "main", "resources", "runner")
SOURCE = "def step(x, seed):\n    return x + len(seed)\n"
PANDAS_SOURCE = ("def step(x, seed):\n"
                 "    import pandas as pd\n"
                 "    df = pd.DataFrame({'a': range(1000), 'b': range(1000)})\n"
                 "    return int(df[df.a % 50 == x % 50].b.sum()) * 0 + x + len(seed)\n")


def cpu_ms(pid):
    """utime, stime, cutime, cstime of pid in milliseconds."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return [int(value) * 1000 / ticks for value in fields[11:15]]


def sandbox_settings(mode, data_dir):
    """What the Java server passes with --sandbox for mode, as root."""
    if mode in ("plain", "baseline"):
        return None
    nobody = pwd.getpwnam("nobody")
    settings = {"user": [nobody.pw_uid, nobody.pw_gid], "user_namespace": True,
                "pid_namespace": "make", "process_limit": 1024,
                "file_size_limit": 1 << 30, "landlock": None, "home": True}
    if mode == "landlock":
        settings["landlock"] = {"abi": 7, "hidden": [data_dir],
                                "readable": [RUNNER_DIR]}
    return settings


def run_steps(args, mode, root):
    """Runs args.steps steps through a new fork server; returns the figures."""
    runner_dir = args.baseline if mode == "baseline" else args.runner_dir
    command = [args.python, "-u", os.path.join(runner_dir,
                                               "penstock_fork_server.py")]
    settings = sandbox_settings(mode, root)
    if settings:
        command += ["--sandbox", json.dumps(settings)]
    server = subprocess.Popen(
        command, cwd=runner_dir, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=runner_dir))

    def send(line):
        server.stdin.write(line.encode() + b"\n")
        server.stdin.flush()

    def event():
        return json.loads(server.stdout.readline())

    assert event()["event"] == "ready"
    if args.pandas:
        send("preload pandas")
        reply = event()
        assert reply["loaded"] == ["pandas"], reply
    seed = list(range(args.input_size))
    runs = os.path.join(root, "runs")
    os.mkdir(runs)
    os.chmod(root, 0o711)
    os.chmod(runs, 0o711)
    if args.warm:  # as the server lays out a run: its working directories in one folder
        runs = os.path.join(runs, "work")
        os.mkdir(runs)
        os.chmod(runs, 0o711)
    workers = set()
    time.sleep(0.5)  # the first spares get ready, as in a server that ran a while
    before, started = cpu_ms(server.pid), time.perf_counter()
    for step in range(args.steps):
        work_dir = os.path.join(runs, str(step))
        os.mkdir(work_dir, 0o700)
        if settings:
            os.chown(work_dir, *settings["user"])
        request = {"source_code": PANDAS_SOURCE if args.pandas else SOURCE,
                   "function_name": "step",
                   "kwargs": {"x": step, "seed": seed},
                   "memory_gb": 0, "cpu_seconds": 0}
        spec = {"work_dir": work_dir, "environment": {}, "request": request}
        if args.warm:
            spec["worker"] = {"root": runs, "max_steps": args.steps}
            send(f"warm {step} run-1/0GB " + json.dumps(spec))
        else:
            send(f"run {step} " + json.dumps(spec))
        reply = event()
        assert reply["event"] == "started", reply
        workers.add(reply["pid"])
        output = os.open(f"/proc/{server.pid}/fd/{reply['fd']}", os.O_RDONLY)
        send(f"release {step}")
        text = b""
        while chunk := os.read(output, 65536):
            text += chunk
        os.close(output)
        reply = event()
        assert reply["event"] == "exited" and reply["code"] == 0, (reply, text)
        with open(os.path.join(work_dir, "result.json")) as file:
            assert json.load(file)["returned"] == step + args.input_size
    wall = (time.perf_counter() - started) * 1000 / args.steps
    # A child counts once reaped, which its exited event says it was. The
    # spares forked last are not, but those consumed first were forked
    # before the clock started: the two roughly cancel.
    after = cpu_ms(server.pid)
    if args.warm:  # not reaped yet, so not among the server's children
        alive = [cpu_ms(pid) for pid in workers if os.path.exists(f"/proc/{pid}")]
        after = after[:2] + [after[2] + sum(own[0] for own in alive),
                             after[3] + sum(own[1] for own in alive)]
    server.stdin.close()
    server.wait()
    return wall, [(end - start) / args.steps for start, end in zip(before, after)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--input-size", type=int, default=0)
    parser.add_argument("--sandbox", default="plain")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--runner-dir", default=RUNNER_DIR)
    parser.add_argument("--baseline")
    parser.add_argument("--data-parent")
    parser.add_argument("--pandas", action="store_true")
    parser.add_argument("--warm", action="store_true")
    args = parser.parse_args()
    args.runner_dir = os.path.abspath(args.runner_dir)
    modes = args.sandbox.split(",")
    if args.baseline:
        args.baseline = os.path.abspath(args.baseline)
        modes.insert(0, "baseline")
    for _ in range(args.rounds):
        for mode in modes:
            with tempfile.TemporaryDirectory(dir=args.data_parent) as root:
                wall, cpu = run_steps(args, mode, root)
            user, system, child_user, child_system = cpu
            print(f"fork-server {mode}{' pandas' if args.pandas else ''}"
                  f"{' warm' if args.warm else ''} steps {args.steps} input-size "
                  f"{args.input_size}: wall {wall:.1f} ms/step; CPU ms/step: "
                  f"server {user + system:.1f} (user {user:.1f}, system "
                  f"{system:.1f}), children {child_user + child_system:.1f} "
                  f"(user {child_user:.1f}, system {child_system:.1f}), total "
                  f"{user + system + child_user + child_system:.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
