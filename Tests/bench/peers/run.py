#!/usr/bin/env python3
"""apxlate and LiteLLM side by side, in one run, on the same bodies (`make bench-peers`).

1. In-process translation per call, Anthropic Messages -> Chat Completions request (and the
   Chat -> Anthropic answer): apxlate from C (peers_bench.c) and from Python (the ctypes binding),
   LiteLLM's adapter (inproc.py), on the 56 KB Claude Code request and the 969 KB body of
   Tests/bench/gen_inputs.py and the agentic 193 KB body (gen_agentic.py, 400 tool round trips).
2. The proxies: `apxlate serve` and `litellm --config`, each routing /v1/messages to the same
   canned Chat upstream (nginx serving files, as Tests/bench/proxy_bench.sh), the same ~52 KB
   Claude Code body (proxy_bench_bodies.py), driven by wrk; requests/s with CONNS connections,
   p50/p99 latency added over the upstream alone with 1 connection, RSS after the load, CPU per
   request. wrk is pinned to CPU 0 and nginx to the last CPU; the proxies are not pinned (both
   share all cores alike). LiteLLM runs with local settings only (no telemetry, no cost-map fetch,
   no database); its sockets are sampled during the run and any non-loopback peer fails the run.

Run with the venv's Python (Tests/bench/peers/run.sh makes it). Medians of --repeat runs.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BODIES = [("56 KB Claude Code request", "anthropic_50k.json"),
          ("agentic, 400 tool round trips", "agentic_400.json"),
          ("969 KB body", "anthropic_1m.json")]
LITELLM_ENV = {  # local only: no cost-map download, no telemetry, quiet
    "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_TELEMETRY": "False", "LITELLM_LOG": "ERROR",
    "DISABLE_ADMIN_UI": "True", "LITELLM_DONT_SHOW_FEEDBACK_BOX": "True", "NO_DOCS": "True",
    "OPENAI_API_KEY": "sk-bench-not-a-key", "LITELLM_MODE": "PRODUCTION",
    # no client auth on either proxy (apxlate runs without keys too); loopback only
    "LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY": "true",
    # /v1/messages to an OpenAI model goes to the Responses API by default; Chat, as apxlate here
    "LITELLM_USE_CHAT_COMPLETIONS_URL_FOR_ANTHROPIC_MESSAGES": "True",
    # anything that would still try the network goes to a dead loopback port instead
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost",
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "127.0.0.1,localhost",
}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="Tests/bench/peers/run.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="runs per in-process row (median; default 7)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5; one uncounted warm-up run per target first)")
    p.add_argument("--repeat", type=int, default=3, help="wrk runs per proxy figure (median; default 3)")
    p.add_argument("--conns", type=int, default=16, help="connections for requests/s (default 16)")
    p.add_argument("--litellm-workers", type=int, default=1,
                   help="LiteLLM proxy worker processes (default 1, its own default; on 2 shared cores 2 workers were no faster)")
    p.add_argument("--skip-inproc", action="store_true", help="leave the in-process rows out")
    p.add_argument("--skip-proxy", action="store_true", help="leave the proxy rows out")
    p.add_argument("--json", help="also write the figures to this file (JSON)")
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin", "apxlate"), help="the apxlate binary")
    p.add_argument("--lib", default=os.path.join(ROOT, "build", "lib"), help="directory of libapxlate.so")
    a = p.parse_args(argv)
    for name in ("runs", "repeat", "conns", "litellm_workers"):
        if getattr(a, name) < 1:
            p.error("--%s must be at least 1" % name.replace("_", "-"))
    if a.duration <= 0:
        p.error("--duration must be positive")
    return a


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fmt_us(us):
    return "%.0f" % us if us >= 100 else "%.1f" % us


def ratio(a, b):
    """a / b as "12.3×", or n/a unless both are positive numbers."""
    ok = all(isinstance(v, (int, float)) and v > 0 for v in (a, b))
    return "%.1f×" % (a / b) if ok else "n/a"


# ---------------------------------------------------------------- in-process

def inproc(a, data, out):
    exe = os.path.join(out, "peers_bench")
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-Wall", "-Wextra", "-I", os.path.join(ROOT, "include"),
                    os.path.join(HERE, "peers_bench.c"), "-o", exe, "-L", a.lib, "-lapxlate", "-Wl,-rpath," + a.lib], check=True)
    rows = [(label, "req:" + os.path.join(data, f)) for label, f in BODIES]
    rows.append(("answer, Chat -> Anthropic (5 KB)", "resp:" + os.path.join(data, "chat_response.json")))
    c = {}
    for line in subprocess.run([exe, str(a.runs)] + [r[1] for r in rows], check=True, capture_output=True, text=True).stdout.splitlines():
        arg, rest = line.split(" ", 1)
        c[arg] = float(rest.split()[0]) if not rest.startswith("error") else rest
    env = dict(os.environ, APXLATE_LIBRARY=os.path.join(a.lib, "libapxlate.so"), **LITELLM_ENV)
    py = {}
    for line in subprocess.run([sys.executable, os.path.join(HERE, "inproc.py"), str(a.runs)] + [r[1] for r in rows],
                               check=True, stdout=subprocess.PIPE, text=True, env=env).stdout.splitlines():
        d = json.loads(line)
        py[d["arg"]] = d
    print("In-process translation, µs per call (median of %d runs); Anthropic -> Chat request unless named" % a.runs)
    print("LiteLLM: bytes -> bytes (json.loads + its /v1/messages adapter + json.dumps), and the adapter alone on a dict")
    print("| body | size | apxlate C | apxlate Python | LiteLLM | LiteLLM adapter alone | C vs LiteLLM | C vs adapter alone | Python vs LiteLLM |")
    print("|---|---|---|---|---|---|---|---|---|")
    result = []
    for label, arg in rows:
        size = os.path.getsize(arg.split(":", 1)[1])
        cu, p = c.get(arg), py.get(arg, {})
        pu, lu, ld = p.get("apxlate_py"), p.get("litellm"), p.get("litellm_dict")
        cell = lambda v: fmt_us(v) if isinstance(v, float) else str(v)  # noqa: E731
        print("| %s | %.0f KB | %s | %s | %s | %s | %s | %s | %s |" % (
            label, size / 1000, cell(cu), cell(pu), cell(lu), cell(ld), ratio(lu, cu), ratio(ld, cu), ratio(lu, pu)))
        result.append((label, cu, pu, lu, ld))
    return result


# ---------------------------------------------------------------- proxies

def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def tree(pid):
    """pid and its descendants (LiteLLM's workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def non_loopback_peers(pids):
    """Remote addresses of the processes' TCP/UDP sockets that are not loopback (from ss)."""
    bad = set()
    out = subprocess.run(["ss", "-tunap"], capture_output=True, text=True).stdout
    for line in out.splitlines()[1:]:
        if not any("pid=%d," % p in line for p in pids):
            continue
        cols = line.split()
        if len(cols) < 6:
            continue
        peer = cols[5]
        host = peer.rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "::1", "*", "0.0.0.0", "::", "::ffff:127.0.0.1") and not host.startswith("127."):
            bad.add(peer)
    return bad


class Wrk:
    def __init__(self, a, ncpu):
        self.a = a
        self.pin = ["taskset", "-c", "0"] if ncpu >= 2 and shutil.which("taskset") else []
        self.ticks = os.sysconf("SC_CLK_TCK")

    def run(self, url, lua, conns, pids):
        c0 = cpu_ticks(pids)
        out = subprocess.run(self.pin + ["wrk", "-t1", "-c%d" % conns, "-d%ds" % self.a.duration, "--timeout", "60s", "--latency", "-s", lua, url],
                             capture_output=True, text=True).stdout
        c1 = cpu_ticks(pids)
        if "Non-2xx" in out or "Requests/sec" not in out:
            raise RuntimeError("wrk against %s: non-2xx answers or no result:\n%s" % (url, out))

        def us(v):
            for suffix, k in (("us", 1), ("ms", 1e3), ("s", 1e6)):
                if v.endswith(suffix):
                    return float(v[: -len(suffix)]) * k
            return float(v)
        r = {}
        for line in out.splitlines():
            f = line.split()
            if line.strip().startswith("50%"):
                r["p50"] = us(f[1])
            elif line.strip().startswith("99%"):
                r["p99"] = us(f[1])
            elif line.startswith("Requests/sec"):
                r["rps"] = float(f[1])
            elif " requests in " in line:
                r["n"] = int(f[0])
        r["cpu"] = (c1 - c0) / self.ticks * 1e6 / max(r.get("n", 1), 1)
        return r


def wait_http(url, proc, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            time.sleep(0.2)
    return False


def post(url, body):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def proxies(a, work):
    ncpu = os.cpu_count() or 1
    for tool in ("wrk", "nginx", "ss"):
        if not shutil.which(tool):
            sys.exit("%s is required (apt-get install wrk nginx-light iproute2)" % tool)
    if not os.access(a.bin, os.X_OK):
        sys.exit("missing %s: run make" % a.bin)
    subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "bench", "proxy_bench_bodies.py"), work], check=True, capture_output=True)
    ports = {k: free_port() for k in ("mock", "apx", "lite")}
    procs = []

    def start(cmd, log, env=None):
        p = subprocess.Popen(cmd, stdout=open(os.path.join(work, log), "w"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
        procs.append(p)
        return p
    try:
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write("""daemon off; master_process off; worker_processes 1; pid %(w)s/nginx.pid;
error_log %(w)s/nginx-error.log error;
events { worker_connections 4096; }
http { access_log off; client_body_buffer_size 1m; client_max_body_size 100m; keepalive_requests 1000000;
  server { listen 127.0.0.1:%(p)d; root %(w)s/www;
    location /json/ { default_type application/json; error_page 405 =200 $uri; }
    location /stream/ { default_type text/event-stream; error_page 405 =200 $uri; } } }
""" % {"w": work, "p": ports["mock"]})
        pin_nginx = ["taskset", "-c", str(ncpu - 1)] if ncpu >= 2 and shutil.which("taskset") else []
        mock = start(pin_nginx + ["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work], "nginx.out")
        up = "http://127.0.0.1:%d" % ports["mock"]
        with open(os.path.join(work, "apxlate.yaml"), "w") as f:
            f.write("""upstreams:
  json: {base_url: "%(u)s/json/v1", format: openai-chat}
  stream: {base_url: "%(u)s/stream/v1", format: openai-chat}
routes:
  - {match: "bench-json*", upstream: json, model: gpt-bench}
  - {match: "bench-stream*", upstream: stream, model: gpt-bench}
""" % {"u": up})
        with open(os.path.join(work, "litellm.yaml"), "w") as f:
            f.write("""model_list:
  - model_name: bench-json-claude
    litellm_params: {model: openai/gpt-bench, api_base: "%(u)s/json/v1", api_key: sk-bench-not-a-key}
  - model_name: bench-stream-claude
    litellm_params: {model: openai/gpt-bench, api_base: "%(u)s/stream/v1", api_key: sk-bench-not-a-key}
litellm_settings: {telemetry: false, drop_params: true, set_verbose: false, json_logs: false, use_chat_completions_url_for_anthropic_messages: true}
general_settings: {disable_spend_logs: true, disable_error_logs: true}
""" % {"u": up})
        apx = start([a.bin, "serve", "--config", os.path.join(work, "apxlate.yaml"), "--port", str(ports["apx"]),
                     "--log-level", "warning"], "apxlate.log")
        lite_env = dict(os.environ, **LITELLM_ENV)
        lite_env.pop("DATABASE_URL", None)
        litellm_bin = os.path.join(os.path.dirname(sys.executable), "litellm")
        t0 = time.time()
        lite = start([litellm_bin, "--config", os.path.join(work, "litellm.yaml"), "--host", "127.0.0.1", "--port", str(ports["lite"]),
                      "--num_workers", str(a.litellm_workers)], "litellm.log", lite_env)
        if not wait_http("http://127.0.0.1:%d/health" % ports["apx"], apx, 20):
            sys.exit("apxlate serve did not start:\n" + open(os.path.join(work, "apxlate.log")).read())
        if not wait_http("http://127.0.0.1:%d/health/liveliness" % ports["lite"], lite, 120):
            sys.exit("the LiteLLM proxy did not start:\n" + open(os.path.join(work, "litellm.log")).read()[-3000:])
        lite_start = time.time() - t0
        bad = set()
        wrk = Wrk(a, ncpu)
        cases = [("Anthropic -> Chat, JSON", "json", "anthropic-json"), ("Anthropic -> Chat, stream", "stream", "anthropic-stream")]
        rows = []
        for label, kind, name in cases:
            body = open(os.path.join(work, name + ".json"), "rb").read()
            lua = os.path.join(work, name + ".lua")
            direct = "%s/%s/v1/chat/completions" % (up, kind)
            targets = {"apxlate": ("http://127.0.0.1:%d/v1/messages" % ports["apx"], apx.pid),
                       "LiteLLM": ("http://127.0.0.1:%d/v1/messages" % ports["lite"], lite.pid)}
            for who, (url, _) in targets.items():
                status, answer = post(url, body)
                if status != 200:
                    sys.exit("%s answers %d to %s: %s" % (who, status, label, answer[:500]))
            res = {}
            for who, (url, pid) in [("mock", (direct, mock.pid))] + list(targets.items()):
                runs_t, runs_l = [], []
                wrk.run(url, lua, a.conns, [])  # warm-up, not counted (LiteLLM's first requests load code lazily)
                for _ in range(a.repeat):
                    pids = tree(pid)
                    runs_t.append(wrk.run(url, lua, a.conns, pids))
                    if who == "LiteLLM":
                        bad |= non_loopback_peers(tree(lite.pid))
                    runs_l.append(wrk.run(url, lua, 1, pids))
                med = lambda rs, k: statistics.median(r[k] for r in rs)  # noqa: E731
                res[who] = {"rps": med(runs_t, "rps"), "cpu": med(runs_t, "cpu"), "p50": med(runs_l, "p50"), "p99": med(runs_l, "p99"),
                            "rss": rss_kb(tree(pid)) / 1024}
            rows.append((label, len(body), res))
        bad |= non_loopback_peers(tree(lite.pid))
        if bad:
            sys.exit("LiteLLM opened non-loopback connections: %s" % ", ".join(sorted(bad)))
        log = open(os.path.join(work, "litellm.log"), errors="replace").read()
        tried = [w for w in ("githubusercontent", "fetch attempt", "127.0.0.1:9", "ProxyError") if w in log]
        if tried:  # it tried the network (the dead loopback proxy catches what the socket sampling may miss)
            sys.exit("LiteLLM tried to reach the network (%s in its log):\n%s" % (", ".join(tried), log[-2000:]))
        print("\nProxies: %d CPUs; wrk on CPU 0, nginx (the canned upstream) on CPU %d, proxies unpinned; LiteLLM %d worker(s), up in %.0f s"
              % (ncpu, ncpu - 1, a.litellm_workers, lite_start))
        print("median of %d wrk runs of %gs: requests/s and proxy CPU per request with %d connections, latency added over the upstream alone with 1"
              % (a.repeat, a.duration, a.conns))
        print("| case (body) | proxy | requests/s | added p50 (µs) | added p99 (µs) | CPU/request (µs) | RSS after (MB) |")
        print("|---|---|---|---|---|---|---|")
        out = []
        for label, size, res in rows:
            m = res["mock"]
            print("| %s (%.0f KB) | upstream alone | %.0f | (%.0f) | (%.0f) | %.0f | |" % (label, size / 1000, m["rps"], m["p50"], m["p99"], m["cpu"]))
            for who in ("apxlate", "LiteLLM"):
                r = res[who]
                print("| | %s | %.0f | %.0f | %.0f | %.0f | %.1f |" % (who, r["rps"], r["p50"] - m["p50"], r["p99"] - m["p99"], r["cpu"], r["rss"]))
            x, y = res["apxlate"], res["LiteLLM"]
            print("| | LiteLLM ÷ apxlate | %s | %s | %s | %s | %s |" % (
                ratio(x["rps"], y["rps"]), ratio(y["p50"] - m["p50"], x["p50"] - m["p50"]),
                ratio(y["p99"] - m["p99"], x["p99"] - m["p99"]), ratio(y["cpu"], x["cpu"]), ratio(y["rss"], x["rss"])))
            out.append((label, res))
        print("(last row of a case: requests/s is apxlate's over LiteLLM's, the other columns LiteLLM's over apxlate's; n/a where a figure is not positive)")
        print("LiteLLM loopback-only check: no non-loopback socket seen, no fetch attempt in its log")
        return out
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def main(argv):
    a = parse_args(argv)
    out = os.path.join(ROOT, "build", "bench-peers")
    data = os.path.join(out, "data")
    os.makedirs(data, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "bench", "gen_inputs.py"), data], check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "gen_agentic.py"), data], check=True)
    os.environ.update(LITELLM_ENV)  # before anything imports litellm, here or in a child
    from importlib.metadata import version  # (fails early if this is not the venv's Python)
    print("== apxlate vs LiteLLM %s (%d CPUs, load average %s; %s) ==" % (
        version("litellm"), os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3]), time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())))
    ins = None if a.skip_inproc else inproc(a, data, out)
    prox = None
    if not a.skip_proxy:
        with tempfile.TemporaryDirectory(prefix="apxlate-peers.") as work:
            prox = proxies(a, work)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"inproc": ins, "proxy": prox}, f, indent=1)
    print("\nTargets (issue 11): apxlate ≥ 20× LiteLLM in-process on every body, ≥ 150× its proxy throughput")
    if ins:
        for label, cu, _, lu, _ in ins[:3]:
            ok = isinstance(cu, float) and isinstance(lu, float) and lu / cu >= 20
            print("  in-process %-32s %s (%s, C vs LiteLLM bytes -> bytes)" % (label + ":", "met" if ok else "missed", ratio(lu, cu)))
    if prox:
        for label, res in prox:
            x, y = res["apxlate"]["rps"], res["LiteLLM"]["rps"]
            ok = y > 0 and x / y >= 150
            print("  proxy %-37s %s (%s)" % (label + " requests/s:", "met" if ok else "missed", ratio(x, y)))


if __name__ == "__main__":
    main(sys.argv[1:])
