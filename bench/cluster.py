#!/usr/bin/env python3
"""bench/cluster's client: measures a cluster of Penstock servers that share one PostgreSQL database.

Talks to the servers over HTTP with bench/workloads.py's client (standard library only) and learns
which server ran a step from the servers' data directories: an attempt n of step version S in run
V is the directory runs/V/S/attempt-n under the --data-dir of the server that ran it (see
src/main/java/dev/penstock/engine/attempt/Workspace.java), created when the attempt starts.

  load      sends every run to node 1 and prints, on stdout:
              penstock <label> trivial-<R>x<W> wall_s steps_per_s ok|WRONG
                R runs at once of a pipeline of W independent trivial steps; steps per second
                from the first runPipeline call to the end of the last run
              penstock <label> spread-trivial-<R>x<W> node1=<attempts> node2=<attempts> ...
              penstock <label> nap-8x8 wall_s steps_per_s ok|WRONG
                the same with 8 runs of 8 steps that each sleep 0.25 s: steps that wait hold a
                slot without using a core, so more nodes (more slots) finish them sooner even on
                a machine whose cores the nodes share
              penstock <label> spread-nap-8x8 node1=<attempts> ...
              penstock <label> fan-out-200 wall_median_s wall_min_s wall_max_s per_step_overhead_ms ok|WRONG
                W2 of ../shared/bench/WORKLOADS.md, 3 runs one after another, as bench/run
              penstock <label> spread-fan-out-200 node1=<attempts> ...
  failover  starts runs of steps that sleep on the last node, waits until that node holds a
            RUNNING step (and up to 1 s more, for a second one), kills it with SIGKILL and prints
              penstock <label> failover first_s last_s interrupted_steps ok|WRONG
            first_s and last_s: seconds from the kill to the first and to the last of the steps it
            was running starting a new attempt on another node (its attempt directory appears);
            ok when every interrupted step did so and every run then ends COMPLETE with its results.
Details go to stderr as '# ' lines. Exits 1 if anything is WRONG.
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402  (bench/workloads.py, beside this file)
from workloads import OPEN, Client, arg, out, output, pipeline, step  # noqa: E402

Node = collections.namedtuple("Node", "number url pid data_dir")

# How long each step of the nap-8x8 load sleeps.
NAP_S = 0.25

# No run of this benchmark should take anywhere near this long; past it the run counts as WRONG.
RUN_DEADLINE_S = 180


def detail(text):
    print(f"# {text}", file=sys.stderr, flush=True)


def wait_run(client, version, deadline_s=RUN_DEADLINE_S):
    """Waits until the run has ended (waitForPipelineVersion, asked again after each 25 s) and
    returns its PipelineVersion; raises TimeoutError past the deadline."""
    deadline = time.monotonic() + deadline_s
    while version["status"] in OPEN:
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {version['pipelineVersion']} still {version['status']} after {deadline_s} s")
        version = client.call("waitForPipelineVersion", verb="GET", pipelineVersion=version["pipelineVersion"],
                              timeout=25)
    return version


def attempt_dirs(node, version_id, step_version_id="*"):
    """The attempt directories of a run (or of one of its step versions) in the node's data dir."""
    return glob.glob(os.path.join(node.data_dir, "runs", version_id, step_version_id, "attempt-*"))


def report_spread(nodes, label, workload, version_ids, step_versions):
    counts = [sum(len(attempt_dirs(node, v)) for v in version_ids) for node in nodes]
    print(f"penstock {label} spread-{workload} "
          + " ".join(f"node{node.number}={count}" for node, count in zip(nodes, counts)), flush=True)
    detail(f"{label} {workload}: {sum(counts)} attempt directories counted for {step_versions} step versions")


def define_parallel(client, name, count, define_one):
    """A pipeline of `count` steps defined two calls at a time, as bench/workloads.py does."""
    pipeline_id = pipeline(client, name)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda i: define_one(pipeline_id, i), range(count)))
    return pipeline_id


def trivial_load(client, nodes, label, runs, width, nap_s=0.0, report=True):
    """R runs at once of W independent steps that return at once or, with nap_s, sleep that long
    first: a step that waits (on a database, a service) holds a slot without using a core."""
    kind = "nap" if nap_s else "trivial"
    source = f"import time\n\ndef trivial_step(i):\n    time.sleep({nap_s})\n    return i\n"
    pipeline_id = define_parallel(client, f"{kind}-{width}", width, lambda p, i: step(
        client, p, f"t{i}", source, "trivial_step", [arg("i", "INTEGER", i)], [out(f"r{i}", "INTEGER")]))
    name = f"{kind}-{runs}x{width}"
    cpu_before = [workloads.cpu_seconds(node.pid)[0] for node in nodes]

    def one_run(_):
        return wait_run(client, client.call("runPipeline", pipelineId=pipeline_id, pipelineVariableMappings=None))

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(runs) as pool:
        versions = list(pool.map(one_run, range(runs)))
    wall = time.perf_counter() - start
    ok = all(v["status"] == "COMPLETE" and all(output(v, f"t{i}", f"r{i}") == i for i in range(width))
             for v in versions)
    if not report:
        detail(f"{label} warm-up: {runs} runs of {width} trivial steps in {wall:.3f} s (not reported)")
        return ok
    print(f"penstock {label} {name} {wall:.3f} {runs * width / wall:.1f} {'ok' if ok else 'WRONG'}", flush=True)
    cpu = [workloads.cpu_seconds(node.pid)[0] - before for node, before in zip(nodes, cpu_before)]
    detail(f"{label} {name}: {runs} runs of {width} steps sent at once to node 1; CPU of the server JVMs "
           + " ".join(f"node{node.number} {seconds:.1f} s" for node, seconds in zip(nodes, cpu)))
    report_spread(nodes, label, name, [v["pipelineVersion"] for v in versions], runs * width)
    return ok


def fan_out(client, nodes, label):
    defining = time.perf_counter()
    workload = workloads.define_fanout(client)
    detail(f"{label} fan-out-200: defined {workload.steps} steps in {time.perf_counter() - defining:.1f} s (not timed)")
    walls, ids, ok = [], [], True
    for _ in range(3):
        wall, version = workloads.timed_run(client, workload.pipeline, None)
        walls.append(wall)
        ids.append(version["pipelineVersion"])
        ok = ok and version["status"] == "COMPLETE" and workload.verify(version)
    median = statistics.median(walls)
    print(f"penstock {label} fan-out-200 {median:.3f} {min(walls):.3f} {max(walls):.3f} "
          f"{median / workload.steps * 1000:.2f} {'ok' if ok else 'WRONG'}", flush=True)
    detail(f"{label} fan-out-200: walls {' '.join(f'{w:.3f}' for w in walls)} s; runs sent to node 1, "
           f"client waits with waitForPipelineVersion")
    report_spread(nodes, label, "fan-out-200", ids, 3 * workload.steps)
    return ok


def main_load(args, nodes):
    client = Client(nodes[0].url, args.key)
    # Every node's JVM compiles its hot paths during its first few hundred steps: that is not
    # what a cluster that has run for a while costs.
    ok = trivial_load(client, nodes, args.label, args.runs, args.width, report=False)
    ok = trivial_load(client, nodes, args.label, args.runs, args.width) and ok
    ok = trivial_load(client, nodes, args.label, 8, 8, NAP_S) and ok
    return fan_out(client, nodes, args.label) and ok


def running_attempts(client, version_ids):
    """{(run, step version): attempt} of the steps the API shows RUNNING."""
    running = {}
    for version_id in version_ids:
        version = client.call("describePipelineVersion", verb="GET", pipelineVersion=version_id)
        for sv in version["stepVersions"]:
            if sv["status"] == "RUNNING":
                running[(version_id, sv["pipelineStepVersion"])] = sv["attempt"]
    return running


def api_attempts(client, version_ids):
    """{(run, step version): attempt} of every step version of the runs."""
    attempts = {}
    for version_id in version_ids:
        version = client.call("describePipelineVersion", verb="GET", pipelineVersion=version_id)
        for sv in version["stepVersions"]:
            attempts[(version_id, sv["pipelineStepVersion"])] = sv["attempt"]
    return attempts


def victim_steps(client, victim, version_ids):
    """[(run, step version, attempt)] that the API shows RUNNING and whose attempt directory is in
    the victim's data dir."""
    return [(run, sv, n) for (run, sv), n in running_attempts(client, version_ids).items()
            if os.path.isdir(os.path.join(victim.data_dir, "runs", run, sv, f"attempt-{n}"))]


def main_failover(args, nodes):
    victim, survivors = nodes[-1], nodes[:-1]
    at_victim, watcher = Client(victim.url, args.key), Client(survivors[0].url, args.key)
    source = f"import time\n\ndef nap_step(i):\n    time.sleep({args.sleep})\n    return i\n"
    pipeline_id = define_parallel(at_victim, "failover", args.width, lambda p, i: step(
        at_victim, p, f"nap{i}", source, "nap_step", [arg("i", "INTEGER", i)], [out(f"r{i}", "INTEGER")]))
    ids = [at_victim.call("runPipeline", pipelineId=pipeline_id, pipelineVariableMappings=None)["pipelineVersion"]
           for _ in range(args.runs)]

    # Wait until the victim holds a RUNNING step, then up to 1 s more for it to fill its 2 slots. Its
    # steps sleep args.sleep s, so none of them ends before the kill.
    deadline, first_held = time.monotonic() + 60, None
    while True:
        held = victim_steps(watcher, victim, ids)
        if held and first_held is None:
            first_held = time.monotonic()
        if len(held) >= 2 or (first_held is not None and time.monotonic() - first_held >= 1.0):
            break
        if time.monotonic() > deadline:
            print(f"penstock {args.label} failover none none 0 WRONG", flush=True)
            detail(f"{args.label} failover: node {victim.number} held no RUNNING step within 60 s")
            return 1
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    killed = time.perf_counter()
    # Read again once it is dead (nothing is put back for 3 heartbeats): a claim made since the last
    # look counts too.
    held = victim_steps(watcher, victim, ids)
    detail(f"{args.label} failover: kill -9 of node {victim.number} (pid {victim.pid}) while it ran "
           f"{len(held)} step(s) of {args.runs} runs of {args.width} steps that sleep {args.sleep} s; "
           f"watching through node {survivors[0].number}")

    # Poll the survivors' data dirs every 20 ms for a later attempt of each interrupted step, and the
    # API every 100 ms for the moment it shows the step put back (a higher attempt number).
    moved, requeued, last_api = {}, {}, 0.0
    deadline = killed + RUN_DEADLINE_S
    while (len(moved) < len(held) or len(requeued) < len(held)) and time.perf_counter() < deadline:
        for run, sv, n in held:
            if (run, sv) in moved:
                continue
            for node in survivors:
                later = [path for path in attempt_dirs(node, run, sv)
                         if int(path.rsplit("attempt-", 1)[1]) > n]
                if later:
                    moved[(run, sv)] = (time.perf_counter() - killed, node.number)
                    break
        if time.perf_counter() - last_api >= 0.1:
            last_api = time.perf_counter()
            attempts = api_attempts(watcher, ids)
            for run, sv, n in held:
                if (run, sv) not in requeued and attempts.get((run, sv), n) > n:
                    requeued[(run, sv)] = last_api - killed
        time.sleep(0.02)

    for run, sv, n in held:
        seen = requeued.get((run, sv))
        where = moved.get((run, sv))
        shown = (f"the API showed it put back (a later attempt) after {seen:.1f} s" if seen is not None
                 else "the API never showed it put back")
        started = f"it started on node {where[1]} after {where[0]:.2f} s" if where else "no later attempt started"
        detail(f"{args.label} failover: step version {sv} (run {run}) attempt {n}: {shown}; {started}")

    all_complete = True
    for run in ids:
        try:
            version = wait_run(watcher, {"pipelineVersion": run, "status": "RUNNING"},
                               max(1.0, deadline - time.perf_counter()))
        except TimeoutError as error:
            detail(f"{args.label} failover: {error}")
            all_complete = False
            continue
        verified = all(output(version, f"nap{i}", f"r{i}") == i for i in range(args.width))
        all_complete = all_complete and version["status"] == "COMPLETE" and verified
        detail(f"{args.label} failover: run {run} ended {version['status']}"
               f"{'' if verified else ' with WRONG results'} {time.perf_counter() - killed:.1f} s after the kill")
    times = [moved[key][0] for key in moved]
    ok = all_complete and bool(held) and len(moved) == len(held)
    first = f"{min(times):.2f}" if times else "none"
    last = f"{max(times):.2f}" if len(moved) == len(held) else "none"
    print(f"penstock {args.label} failover {first} {last} {len(held)} {'ok' if ok else 'WRONG'}", flush=True)
    report_spread(nodes, args.label, "failover", ids, args.runs * args.width)
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["load", "failover"])
    parser.add_argument("--key", required=True)
    parser.add_argument("--label", required=True, help="first column after 'penstock', e.g. cluster-3")
    parser.add_argument("--node", nargs=3, action="append", required=True, metavar=("URL", "PID", "DATA_DIR"),
                        help="one per server, node 1 first; failover kills the last one")
    parser.add_argument("--runs", type=int, help="runs at once (load: 8; failover: 2)")
    parser.add_argument("--width", type=int, help="independent steps per run (load: 32; failover: 4)")
    parser.add_argument("--sleep", type=float, default=5.0, help="failover: seconds each step sleeps")
    args = parser.parse_args()
    nodes = [Node(number, url, int(pid), data_dir)
             for number, (url, pid, data_dir) in enumerate(args.node, start=1)]
    if args.mode == "load":
        args.runs, args.width = args.runs or 8, args.width or 32
        return 0 if main_load(args, nodes) else 1
    if len(nodes) < 2:
        parser.error("failover needs at least 2 nodes")
    args.runs, args.width = args.runs or 2, args.width or 4
    return main_failover(args, nodes)


if __name__ == "__main__":
    sys.exit(main())
