#!/usr/bin/env python3
"""Penstock's implementation of ../shared/bench/WORKLOADS.md, plus a 3-step trivial pipeline.

Talks to a running server over HTTP exactly as the SDK would (standard library only). Prints one
result line per workload on stdout and details as '# ' lines on stderr.
"""
import argparse
import json
import statistics
import sys
import time
import urllib.request

OPEN = {"PENDING", "RUNNING"}


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
    return p, 3, 0.0, lambda v: output(v, "s3", "x3") == 3


def define_chain(client, n=100):
    src = "def chain_step(x):\n    return x + 1\n"
    p = pipeline(client, "chain-100")
    step(client, p, "s1", src, "chain_step", [arg("x", "INTEGER", 0)], [out("x1", "INTEGER")])
    for i in range(2, n + 1):
        step(client, p, f"s{i}", src, "chain_step", [arg("x", "INTEGER", None, f"x{i - 1}")],
             [out(f"x{i}", "INTEGER")], [f"s{i - 1}"])
    return p, n, 0.0, lambda v: output(v, f"s{n}", f"x{n}") == n


def define_fanout(client, width=200, name="fan-out-200"):
    src = ("def source_step():\n    return list(range(%d))\n\n"
           "def square_step(seed, i):\n    return seed[i] * seed[i]\n\n"
           "def sink_step(**values):\n    return sum(values.values())\n" % width)
    p = pipeline(client, name)
    step(client, p, "source", src, "source_step", [], [out("seed", "LIST")])
    for i in range(width):
        step(client, p, f"sq{i}", src, "square_step",
             [arg("seed", "LIST", None, "seed"), arg("i", "INTEGER", i)], [out(f"v{i}", "INTEGER")], ["source"])
    step(client, p, "sink", src, "sink_step", [arg(f"v{i}", "INTEGER", None, f"v{i}") for i in range(width)],
         [out("total", "INTEGER")], [f"sq{i}" for i in range(width)])
    expected = sum(i * i for i in range(width))
    return p, width + 2, 0.0, lambda v: output(v, "sink", "total") == expected


def define_sleep(client):
    src = "import time\n\ndef sleep_step(i):\n    time.sleep(1.0)\n    return i\n"
    p = pipeline(client, "parallel-sleep")
    for i in range(8):
        step(client, p, f"sl{i}", src, "sleep_step", [arg("i", "INTEGER", i)], [out(f"r{i}", "INTEGER")])
    return p, 8, 4.0, lambda v: sorted(output(v, f"sl{i}", f"r{i}") for i in range(8)) == list(range(8))


def output(version, step_name, output_name):
    for sv in version["stepVersions"]:
        if sv["stepName"] == step_name:
            for mapping in sv["outputVariableMappings"]:
                if mapping["name"] == output_name:
                    return mapping["value"]
    return None


def timed_run(client, pipeline_id, poll):
    start = time.perf_counter()
    version = client.call("runPipeline", pipelineId=pipeline_id, pipelineVariableMappings=None)
    vid = version["pipelineVersion"]
    while True:
        version = client.call("describePipelineVersion", verb="GET", pipelineVersion=vid)
        if version["status"] not in OPEN:
            return time.perf_counter() - start, version
        time.sleep(poll)


WORKLOADS = {
    "trivial-3": define_trivial3,
    "chain-100": define_chain,
    "fan-out-200": define_fanout,
    "parallel-sleep": define_sleep,
    "fan-out-10000": lambda c: define_fanout(c, 9998, "fan-out-10000"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--poll", type=float, default=0.005)
    parser.add_argument("workloads", nargs="*", default=["trivial-3", "chain-100", "fan-out-200", "parallel-sleep"])
    args = parser.parse_args()
    client = Client(args.server, args.key)
    for name in args.workloads:
        pipeline_id, steps, ideal, verify = WORKLOADS[name](client)
        walls, ok = [], True
        for _ in range(args.runs):
            wall, version = timed_run(client, pipeline_id, args.poll)
            walls.append(wall)
            ok = ok and version["status"] == "COMPLETE" and verify(version)
            if name == "parallel-sleep":
                ok = ok and wall >= 4.0
        median = statistics.median(walls)
        overhead = (median - ideal) / steps * 1000
        print(f"penstock {name} {median:.3f} {min(walls):.3f} {max(walls):.3f} {overhead:.2f} "
              f"{'ok' if ok else 'WRONG'}", flush=True)
        print(f"# {name}: walls {' '.join(f'{w:.3f}' for w in walls)}; client poll {args.poll * 1000:.0f} ms",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    import urllib.parse  # noqa: F401  (used by Client.call)
    main()
