#!/usr/bin/env python3
"""Penstock's implementation of ../shared/bench/WORKLOADS.md, plus trivial-3 and fan-out-10000.

Talks to a running server over HTTP as the SDK would (standard library only). Each workload is
defined once (untimed, but its time is printed), then run 3 times; a run's wall time goes from the
runPipeline call to the client holding the verified result. Prints one result line per workload on
stdout (WORKLOADS.md rule 11) and details as '# ' lines on stderr. Exits 1 if any workload is WRONG.

define-1000 times something else: defining a pipeline of 1,000 steps with one createPipelineStep
call each, as an SDK script does, over one keep-alive connection that asks for gzip and parses
every answer as the SDK's requests session does (each answer is the whole Pipeline, every step
repeated). Three pipelines; its line's overhead column is milliseconds per call.

chain-100's steps also return the wall-clock time at which their function was called (output t<i>,
taken first thing in the function), which gives the dispatch latency of each of its 99 edges:
upstream step version's completedAt -> downstream function called.
"""
import argparse
import collections
import concurrent.futures
import datetime
import gzip
import http.client
import json
import math
import os
import statistics
import sys
import time
import urllib.parse
import urllib.request

OPEN = {"PENDING", "RUNNING"}
DEFAULT_WORKLOADS = ["trivial-3", "chain-100", "fan-out-200", "parallel-sleep"]

Workload = collections.namedtuple("Workload", "pipeline steps ideal verify watch")


class Client:
    def __init__(self, server, key):
        self.server = server
        self.key = key

    def call(self, method, verb="POST", **params):
        url = f"{self.server}/api/v0/{method}"
        data = None
        if verb in ("GET", "DELETE"):
            if params:
                url += "?" + urllib.parse.urlencode(params)
        else:
            data = json.dumps(params).encode()
        request = urllib.request.Request(url, data=data, method=verb, headers={
            "apiKey": self.key, "Content-Type": "application/json",
            "clientVersion": "1.4.105", "User-Agent": "python-abacusai-1.4.105"})
        with urllib.request.urlopen(request) as response:
            body = json.load(response)
        if not body.get("success"):
            raise RuntimeError(body)
        return body["result"]


def arg(name, type_, value=None, variable=None):
    mapping = {"name": name, "variableType": type_, "isRequired": True}
    if value is not None:
        mapping["value"] = value
    if variable is not None:
        mapping["pipelineVariable"] = variable
    return mapping


def out(name, type_):
    return {"name": name, "variableType": type_}


def step(client, pipeline, name, source, function, inputs=(), outputs=(), deps=()):
    client.call("createPipelineStep", pipelineId=pipeline, stepName=name, functionName=function,
                sourceCode=source, stepInputMappings=list(inputs), outputVariableMappings=list(outputs),
                stepDependencies=list(deps), packageRequirements=None, cpuSize=None, memory=None,
                timeout=None)


def pipeline(client, name):
    return client.call("createPipeline", pipelineName=f"{name}-{time.time_ns()}", projectId=None,
                       cron=None, isProd=False)["pipelineId"]


def define_trivial3(client):
    src = "def inc(x):\n    return x + 1\n"
    p = pipeline(client, "trivial-3")
    step(client, p, "s1", src, "inc", [arg("x", "INTEGER", 0)], [out("x1", "INTEGER")])
    step(client, p, "s2", src, "inc", [arg("x", "INTEGER", None, "x1")], [out("x2", "INTEGER")], ["s1"])
    step(client, p, "s3", src, "inc", [arg("x", "INTEGER", None, "x2")], [out("x3", "INTEGER")], ["s2"])
    return Workload(p, 3, 0.0, lambda v: output(v, "s3", "x3") == 3, "s3")


def chain_source(i):
    # Two outputs: x<i> (= x + 1, passed on and verified) and t<i> (when the function was called).
    return ("import time\n\n"
            "def chain_step(x):\n"
            "    called = time.time()  # first thing: when the function was called\n"
            f"    return {{'x{i}': x + 1, 't{i}': called}}\n")


def define_chain(client, n=100):
    def outputs(i):
        return [out(f"x{i}", "INTEGER"), out(f"t{i}", "FLOAT")]

    p = pipeline(client, "chain-100")
    step(client, p, "s1", chain_source(1), "chain_step", [arg("x", "INTEGER", 0)], outputs(1))
    for i in range(2, n + 1):
        step(client, p, f"s{i}", chain_source(i), "chain_step", [arg("x", "INTEGER", None, f"x{i - 1}")],
             outputs(i), [f"s{i - 1}"])
    return Workload(p, n, 0.0, lambda v: output(v, f"s{n}", f"x{n}") == n, f"s{n}")


def define_fanout(client, width=200, name="fan-out-200"):
    src = ("def source_step():\n    return list(range(%d))\n\n"
           "def square_step(seed, i):\n    return seed[i] * seed[i]\n\n"
           "def sink_step(**values):\n    return sum(values.values())\n" % width)
    p = pipeline(client, name)
    step(client, p, "source", src, "source_step", [], [out("seed", "LIST")])

    def square(i):
        step(client, p, f"sq{i}", src, "square_step",
             [arg("seed", "LIST", None, "seed"), arg("i", "INTEGER", i)], [out(f"v{i}", "INTEGER")], ["source"])

    # The squares are independent: two calls at a time (the server checks each step's source in a
    # Python process of its own, so this uses both cores). Defining is not timed.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(square, range(width)))
    step(client, p, "sink", src, "sink_step", [arg(f"v{i}", "INTEGER", None, f"v{i}") for i in range(width)],
         [out("total", "INTEGER")], [f"sq{i}" for i in range(width)])
    expected = sum(i * i for i in range(width))
    return Workload(p, width + 2, 0.0, lambda v: output(v, "sink", "total") == expected, "sink")


def define_sleep(client):
    src = "import time\n\ndef sleep_step(i):\n    time.sleep(1.0)\n    return i\n"
    p = pipeline(client, "parallel-sleep")
    for i in range(8):
        step(client, p, f"sl{i}", src, "sleep_step", [arg("i", "INTEGER", i)], [out(f"r{i}", "INTEGER")])
    return Workload(p, 8, 4.0, lambda v: sorted(output(v, f"sl{i}", f"r{i}") for i in range(8)) == list(range(8)),
                    None)


def define_pandas(client, width=50):
    # WORKLOADS.md W4, its step as written there: the import is the step's own.
    src = ("def frame_step(i):\n"
           "    import pandas as pd\n"
           "    df = pd.DataFrame({'a': range(1000), 'b': range(1000)})\n"
           "    return int(df[df.a % 50 == i].b.sum())\n\n"
           "def sink_step(**values):\n    return sum(values.values())\n")
    p = pipeline(client, "pandas-fan-out-50")

    def frame(i):
        step(client, p, f"fr{i}", src, "frame_step", [arg("i", "INTEGER", i)], [out(f"v{i}", "INTEGER")])

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(frame, range(width)))
    step(client, p, "sink", src, "sink_step", [arg(f"v{i}", "INTEGER", None, f"v{i}") for i in range(width)],
         [out("total", "INTEGER")], [f"fr{i}" for i in range(width)])
    return Workload(p, width + 1, 0.0, lambda v: output(v, "sink", "total") == 499500, "sink")


def define_frame(client, rows=1_000_000):
    # Data between steps (issue 12): a DataFrame of a million rows passed by reference, as an
    # artifact, from the step that makes it to the step that sums it.
    src = ("import pandas as pd\n\n"
           "def make_step(rows):\n"
           "    return pd.DataFrame({'i': range(rows), 'x': [n * 0.5 for n in range(rows)]})\n\n"
           "def sum_step(frame):\n    return int(frame.i.sum())\n")
    p = pipeline(client, "frame-1m")
    step(client, p, "make", src, "make_step", [arg("rows", "INTEGER", rows)], [out("frame", "DATASET_ID")])
    step(client, p, "total", src, "sum_step", [arg("frame", "FEATURE_GROUP", None, "frame")],
         [out("total", "INTEGER")], ["make"])
    return Workload(p, 2, 0.0, lambda v: output(v, "total", "total") == rows * (rows - 1) // 2, None)


def output(version, step_name, output_name):
    for sv in version["stepVersions"]:
        if sv["stepName"] == step_name:
            for mapping in sv["outputVariableMappings"]:
                if mapping["name"] == output_name:
                    return mapping["value"]
    return None


def timed_run(client, pipeline_id, poll, watch=None, done_at_watch=False):
    """Runs the pipeline once; returns (wall seconds, the finished PipelineVersion).

    Without `poll`, waits for the run with Penstock's extension waitForPipelineVersion, which
    answers as soon as the run has ended (asked again if its 25 s pass first): no polling interval
    adds to the wall, and the server answers one request instead of hundreds.

    With `poll` and `watch` (the step that ends last and holds the result), polls that one step version until
    it has ended, then the whole version (which shows the run COMPLETE and the result to verify);
    both are inside the wall time. Polling the whole version every 5 ms instead costs the server
    most of a core (describing chain-100's 100 step versions 200 times a second), which the steps
    then lack: see --poll-version. With done_at_watch the wall ends when the watched step has ended
    (the client then holds the result, WORKLOADS.md rule 6), and that step's version stands for the
    run: for a wide fan-out the whole version repeats the source's list in every square's inputs
    (N x N values).
    """
    start = time.perf_counter()
    version = client.call("runPipeline", pipelineId=pipeline_id, pipelineVariableMappings=None)
    vid = version["pipelineVersion"]
    if poll is None:
        while version["status"] in OPEN:
            version = client.call("waitForPipelineVersion", verb="GET", pipelineVersion=vid,
                                  timeout=25)
        return time.perf_counter() - start, version
    wall = None
    if watch is not None:
        svid = next(sv["pipelineStepVersion"] for sv in version["stepVersions"] if sv["stepName"] == watch)
        while True:
            watched = client.call("describePipelineStepVersion", verb="GET", pipelineStepVersion=svid)
            if watched["status"] not in OPEN:
                break
            time.sleep(poll)
        if done_at_watch:
            # The whole version would repeat the source's list in every square's inputs (N x N
            # values): the sink, which holds the result and ends last, stands for the run.
            return time.perf_counter() - start, {"status": watched["status"], "stepVersions": [watched]}
    while True:
        version = client.call("describePipelineVersion", verb="GET", pipelineVersion=vid)
        if version["status"] not in OPEN:
            return wall if wall is not None else time.perf_counter() - start, version
        time.sleep(poll)


def memory(pid):
    """The server's resident memory now and at its peak (VmRSS, VmHWM), as text."""
    if pid is None:
        return "memory unknown (no --server-pid)"
    with open(f"/proc/{pid}/status") as file:
        fields = dict(line.split(":", 1) for line in file if line.startswith(("VmRSS", "VmHWM")))
    return f"RSS {fields['VmRSS'].strip()}, peak RSS {fields['VmHWM'].strip()}"


def describe_whole(client, version_id, server_pid, label):
    """Times describePipelineVersion of a finished run, reading the answer as it comes and keeping
    none of it (a wide fan-out's run is hundreds of MB: each square shows the source's list it
    was given). True when the answer arrived whole."""
    query = urllib.parse.urlencode({"pipelineVersion": version_id})
    request = urllib.request.Request(f"{client.server}/api/v0/describePipelineVersion?{query}",
                                     headers={"apiKey": client.key})
    before = memory(server_pid)
    start = time.perf_counter()
    size, head, tail = 0, b"", b""
    with urllib.request.urlopen(request) as response:
        while chunk := response.read(1 << 20):
            head = head or chunk[:16]
            size += len(chunk)
            tail = (tail + chunk)[-2:]
    wall = time.perf_counter() - start
    whole = head.startswith(b'{"success":true') and tail == b"}}"
    print(f"# {label}: describePipelineVersion of the last run: {size:,} bytes in {wall:.2f} s "
          f"({size / 1e6 / wall:.0f} MB/s, {'whole' if whole else 'BROKEN'}); server before: {before}; "
          f"after: {memory(server_pid)}", file=sys.stderr, flush=True)
    return whole


def instant(text):
    """An ISO-8601 time from the API (millisecond precision, +00:00) as seconds since the epoch."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def chain_timings(version, n=100):
    """Per edge s(i-1) -> s(i), in ms: (dispatch latency, claim, launch, finish).

    dispatch = s(i) function called - s(i-1) completedAt; it splits into
    claim    = s(i) startedAt       - s(i-1) completedAt  (scheduler: plan, claim a slot, mark RUNNING)
    launch   = s(i) function called - s(i) startedAt      (process start, runner, source load)
    and finish = s(i) completedAt - s(i) function called  (return, process exit, result read, commit)
    is the rest of the step's cycle.
    """
    steps = {sv["stepName"]: sv for sv in version["stepVersions"]}
    edges = []
    for i in range(2, n + 1):
        before, this = steps[f"s{i - 1}"], steps[f"s{i}"]
        called = output(version, f"s{i}", f"t{i}")
        done_before = instant(before["completedAt"])
        started, done = instant(this["startedAt"]), instant(this["completedAt"])
        edges.append(tuple(1000 * d for d in (called - done_before, started - done_before,
                                               called - started, done - called)))
    return edges


def cpu_seconds(pid):
    """CPU time of a process itself and of its reaped children (for the server: the step processes)."""
    if pid is None:
        return 0.0, 0.0
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def step_lifetimes(version):
    """Each step version's startedAt -> completedAt, in ms."""
    return [1000 * (instant(sv["completedAt"]) - instant(sv["startedAt"])) for sv in version["stepVersions"]]


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report_chain(name, edges):
    dispatch = [e[0] for e in edges]
    print(f"# {name} dispatch latency p50 {percentile(dispatch, 50):.1f} p95 {percentile(dispatch, 95):.1f} "
          f"p99 {percentile(dispatch, 99):.1f} ms (max {max(dispatch):.1f}; {len(dispatch)} edges; "
          f"upstream completedAt -> function called; completedAt is stored in whole ms and taken just "
          f"before the commit, so each figure may be up to ~1 ms high)", file=sys.stderr)
    parts = ["claim (completedAt -> startedAt)", "launch (startedAt -> function called)",
             "finish (function called -> completedAt)"]
    medians = "; ".join(f"{label} {statistics.median(e[k] for e in edges):.1f}"
                        for k, label in enumerate(parts, start=1))
    print(f"# {name} per-step cycle, medians in ms: {medians}", file=sys.stderr)


def define_calls(server, key, steps=1000):
    """Defines a fan-out of steps - 1 squares after a source, one createPipelineStep call each.

    Returns (wall, client parse seconds, answer bytes on the wire, bytes parsed, steps in the last
    answer)."""
    target = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(target.hostname, target.port)
    headers = {"apiKey": key, "Content-Type": "application/json", "Accept-Encoding": "gzip, deflate",
               "clientVersion": "1.4.105", "User-Agent": "python-abacusai-1.4.105"}

    def call(method, **params):
        connection.request("POST", f"/api/v0/{method}", body=json.dumps(params), headers=headers)
        response = connection.getresponse()
        body = response.read()
        return body, response.getheader("Content-Encoding")

    def parsed(body, encoding):
        nonlocal plain
        text = gzip.decompress(body) if encoding == "gzip" else body
        plain += len(text)
        answer = json.loads(text)
        if not answer.get("success"):
            raise RuntimeError(answer)
        return answer["result"]

    parse, wire, plain, last = 0.0, 0, 0, None
    pipeline_id = parsed(*call("createPipeline", pipelineName=f"define-{time.time_ns()}"))["pipelineId"]
    source = ("def source_step():\n    return list(range(%d))\n\n"
              "def square_step(seed, i):\n    return seed[i] * seed[i]\n" % steps)
    started = time.perf_counter()
    for i in range(steps):
        if i == 0:
            params = dict(stepName="source", functionName="source_step", outputVariableMappings=[
                out("seed", "JSON")])
        else:
            params = dict(stepName=f"square_{i}", functionName="square_step", stepDependencies=["source"],
                          stepInputMappings=[arg("seed", "JSON", variable="seed"), arg("i", "INTEGER", i)],
                          outputVariableMappings=[out(f"sq_{i}", "INTEGER")])
        body, encoding = call("createPipelineStep", pipelineId=pipeline_id, sourceCode=source,
                              packageRequirements=None, cpuSize=None, memory=None, timeout=None, **params)
        before = time.perf_counter()
        wire += len(body)
        last = parsed(body, encoding)
        parse += time.perf_counter() - before
    wall = time.perf_counter() - started
    connection.close()
    return wall, parse, wire, plain, len(last["steps"])


def main_define(args):
    walls, cpu, ok = [], [], True
    for _ in range(args.runs):
        server_before, client_before = cpu_seconds(args.server_pid), time.process_time()
        wall, parse, wire, plain, listed = define_calls(args.server, args.key)
        server_after = cpu_seconds(args.server_pid)
        walls.append(wall)
        cpu.append((server_after[0] - server_before[0], time.process_time() - client_before, parse))
        ok = ok and listed == 1000
        print(f"# define-1000: {wall:.2f} s; answers {wire / 1e6:.0f} MB on the wire, "
              f"{plain / 1e6:.0f} MB of JSON; the last lists {listed} steps", file=sys.stderr, flush=True)
    median = statistics.median(walls)
    print(f"penstock define-1000 {median:.3f} {min(walls):.3f} {max(walls):.3f} {median:.2f} "
          f"{'ok' if ok else 'WRONG'}", flush=True)
    server, client, parse = (statistics.median(c[k] for c in cpu) for k in range(3))
    print(f"# define-1000: CPU per 1,000 calls (median): server JVM {server:.1f} s, this client "
          f"{client:.1f} s of which {parse:.1f} s decompressing and parsing answers",
          file=sys.stderr, flush=True)
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--poll", type=float,
                        help="poll every POLL seconds instead of waiting with waitForPipelineVersion "
                             "(default: wait; fan-out-10000 polls its sink every 1 s: its finished "
                             "version repeats the source's list in each square's inputs)")
    parser.add_argument("--poll-version", action="store_true",
                        help="poll the whole PipelineVersion from the start, not the last step first "
                             "(every 5 ms unless --poll says otherwise)")
    parser.add_argument("--fan-out-width", type=int, default=9998,
                        help="squares in fan-out-10000 (9998 gives 10,000 steps)")
    parser.add_argument("--server-pid", type=int, help="the server's pid, to report its CPU time per step")
    parser.add_argument("--describe", action="store_true",
                        help="after the runs, time describePipelineVersion of the last one, whole")
    parser.add_argument("workloads", nargs="*", default=DEFAULT_WORKLOADS)
    args = parser.parse_args()
    big = args.fan_out_width + 2
    workloads = {
        "trivial-3": define_trivial3,
        "chain-100": define_chain,
        "fan-out-200": define_fanout,
        "parallel-sleep": define_sleep,
        "pandas-fan-out-50": define_pandas,
        "frame-1m": define_frame,
        "fan-out-10000": lambda c: define_fanout(c, args.fan_out_width, f"fan-out-{big}"),
    }
    if args.workloads == ["define-1000"]:
        return main_define(args)
    unknown = [w for w in args.workloads if w not in workloads]
    if unknown:
        parser.error(f"unknown workloads {unknown}; known: {' '.join(workloads)}")
    client = Client(args.server, args.key)
    all_ok = True
    for name in args.workloads:
        defining = time.perf_counter()
        workload = workloads[name](client)
        label = f"fan-out-{big}" if name == "fan-out-10000" else name
        print(f"# {label}: defined {workload.steps} steps in {time.perf_counter() - defining:.1f} s "
              f"(one createPipelineStep call each, at most 2 at a time; not timed)", file=sys.stderr, flush=True)
        poll = args.poll
        if poll is None and (name == "fan-out-10000" or args.poll_version):
            poll = 1.0 if name == "fan-out-10000" else 0.005
        walls, ok, edges, lifetimes, cpu, last = [], True, [], [], [], None
        for _ in range(args.runs):
            server_before, client_before = cpu_seconds(args.server_pid), time.process_time()
            wall, version = timed_run(client, workload.pipeline, poll,
                                      None if args.poll_version else workload.watch,
                                      done_at_watch=name == "fan-out-10000")
            server_after = cpu_seconds(args.server_pid)
            cpu.append((server_after[0] - server_before[0], server_after[1] - server_before[1],
                        time.process_time() - client_before))
            walls.append(wall)
            last = version.get("pipelineVersion") or version["stepVersions"][0]["pipelineVersion"]
            run_ok = version["status"] == "COMPLETE" and workload.verify(version)
            if name == "parallel-sleep":
                run_ok = run_ok and wall >= 4.0
            ok = ok and run_ok
            if run_ok and name != "fan-out-10000":  # only its sink was fetched
                lifetimes += step_lifetimes(version)
            if name == "chain-100" and run_ok:
                edges += chain_timings(version)
        all_ok = all_ok and ok
        median = statistics.median(walls)
        overhead = (median - workload.ideal) / workload.steps * 1000
        print(f"penstock {label} {median:.3f} {min(walls):.3f} {max(walls):.3f} {overhead:.2f} "
              f"{'ok' if ok else 'WRONG'}", flush=True)
        if poll is None:
            watching = "client waits with waitForPipelineVersion, no polling"
        elif workload.watch and not args.poll_version:
            watching = f"client poll {poll * 1000:g} ms, polling step '{workload.watch}' then the version"
        else:
            watching = f"client poll {poll * 1000:g} ms, polling the version"
        if name == "fan-out-10000" and not args.poll_version:
            watching = (f"client poll {poll * 1000:g} ms, polling step 'sink' (done when it has ended; "
                        f"its step version, which holds the result, is what is verified)")
        print(f"# {label}: walls {' '.join(f'{w:.3f}' for w in walls)} s; {watching}",
              file=sys.stderr, flush=True)
        if lifetimes:
            print(f"# {label}: step lifetime (startedAt -> completedAt) median "
                  f"{statistics.median(lifetimes):.1f} ms, p95 {percentile(lifetimes, 95):.1f} ms",
                  file=sys.stderr, flush=True)
        if args.server_pid:
            per_step = [1000 * statistics.median(c[k] for c in cpu) / workload.steps for k in range(3)]
            print(f"# {label}: CPU per step (median of runs): server JVM {per_step[0]:.1f} ms, step processes "
                  f"{per_step[1]:.1f} ms, this client {per_step[2]:.1f} ms", file=sys.stderr, flush=True)
        if edges:
            report_chain(label, edges)
        if args.describe:
            all_ok = describe_whole(client, last, args.server_pid, label) and all_ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
