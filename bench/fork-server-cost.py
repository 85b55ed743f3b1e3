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
                                 [--input-size 0]
    --input-size N gives each step an N-element list as an input, as the
    squares of a fan-out of N receive their source's list.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time

RUNNER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", "src", "main", "resources", "runner")
SOURCE = "def step(x, seed):\n    return x + len(seed)\n"


def cpu_ms(pid):
    """utime, stime, cutime, cstime of pid in milliseconds."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return [int(value) * 1000 / ticks for value in fields[11:15]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--input-size", type=int, default=0)
    args = parser.parse_args()

    server = subprocess.Popen(
        [args.python, "-u", os.path.join(RUNNER_DIR, "penstock_fork_server.py")],
        cwd=RUNNER_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=RUNNER_DIR))

    def send(line):
        server.stdin.write(line.encode() + b"\n")
        server.stdin.flush()

    def event():
        return json.loads(server.stdout.readline())

    assert event()["event"] == "ready"
    seed = list(range(args.input_size))
    with tempfile.TemporaryDirectory() as root:
        time.sleep(0.5)  # the first spares get ready, as in a server that ran a while
        before, started = cpu_ms(server.pid), time.perf_counter()
        for step in range(args.steps):
            work_dir = os.path.join(root, str(step))
            os.mkdir(work_dir)
            request = {"source_code": SOURCE, "function_name": "step",
                       "kwargs": {"x": step, "seed": seed},
                       "memory_gb": 0, "cpu_seconds": 0}
            send(f"run {step} " + json.dumps(
                {"work_dir": work_dir, "environment": {}, "request": request}))
            reply = event()
            assert reply["event"] == "started", reply
            output = os.open(f"/proc/{server.pid}/fd/{reply['fd']}", os.O_RDONLY)
            send(f"release {step}")
            while os.read(output, 65536):
                pass
            os.close(output)
            reply = event()
            assert reply["event"] == "exited" and reply["code"] == 0, reply
            with open(os.path.join(work_dir, "result.json")) as file:
                assert json.load(file)["returned"] == step + args.input_size
        wall = (time.perf_counter() - started) * 1000 / args.steps
        # A child counts once reaped, which its exited event says it was. The
        # spares forked last are not, but those consumed first were forked
        # before the clock started: the two roughly cancel.
        after = cpu_ms(server.pid)
    server.stdin.close()
    server.wait()
    user, system, child_user, child_system = (
        (end - start) / args.steps for start, end in zip(before, after))
    print(f"fork-server steps {args.steps} input-size {args.input_size}: "
          f"wall {wall:.1f} ms/step; CPU ms/step: server {user + system:.1f} "
          f"(user {user:.1f}, system {system:.1f}), children "
          f"{child_user + child_system:.1f} (user {child_user:.1f}, "
          f"system {child_system:.1f}), total "
          f"{user + system + child_user + child_system:.1f}")


if __name__ == "__main__":
    main()
