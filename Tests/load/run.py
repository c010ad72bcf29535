"""Load test of `apxlate serve`: many concurrent streaming requests, then a soak.

Starts Tests/load/upstream.py (a canned OpenAI Chat stream, one event every --gap s) and the proxy
(APXLATE_BIN), then, from one asyncio process with raw sockets:
  - rounds (after a warm-up round of the same size): --streams Anthropic clients stream /v1/messages at once (translated to Chat
    upstream). The upstream holds every stream after its first event until all of them are open,
    so the proxy's RSS and descriptors are measured with all streams active; then they finish.
    Every stream must be complete and valid: the Anthropic event sequence message_start,
    content_block_start, content_block_delta..., content_block_stop, message_delta, message_stop,
    with the canned text and stop_reason end_turn.
  - soak (first, on a fresh proxy): --soak requests over --soak-concurrency kept-alive
    connections, RSS noted at 10%, 50% and 100% of them.
Prints a table; with --check, fails on any failed stream, descriptor growth between rounds,
or RSS growth beyond the given bounds.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from upstream import expected_text  # noqa: E402

EXPECTED_SEQUENCE_HEAD = ["message_start", "content_block_start"]
EXPECTED_SEQUENCE_TAIL = ["content_block_stop", "message_delta", "message_stop"]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamFailure(Exception):
    pass


def request_bytes(port, fast=False):
    """A streaming Anthropic request; `fast`: the upstream streams it without gaps (soak)."""
    text = "soak-fast" if fast else "Say the canned answer."
    body = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 64, "stream": True,
                       "messages": [{"role": "user", "content": text}]}).encode()
    return (b"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:%d\r\ncontent-type: application/json\r\n"
            b"anthropic-version: 2023-06-01\r\nx-api-key: load\r\ncontent-length: %d\r\n\r\n%s" % (port, len(body), body))


async def read_stream(reader, on_first=None):
    """Reads one streamed answer (chunked SSE); returns the event names and the text."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    if status != b"200":
        raise StreamFailure(f"status {status.decode()}: {head[:200]!r}")
    if b"transfer-encoding: chunked" not in head.lower():
        raise StreamFailure("not chunked")
    buf = b""
    names = []
    text = []
    stop_reason = None
    while True:
        size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            break
        buf += (await reader.readexactly(size + 2))[:-2]
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            name = None
            data = None
            for line in event.split(b"\n"):
                if line.startswith(b"event: "):
                    name = line[7:].decode()
                elif line.startswith(b"data: "):
                    data = line[6:]
            if name is None:
                continue
            names.append(name)
            if name == "message_start" and on_first:
                on_first()
                on_first = None
            elif name == "content_block_delta":
                text.append(json.loads(data)["delta"]["text"])
            elif name == "message_delta":
                stop_reason = json.loads(data)["delta"].get("stop_reason")
            elif name == "error":
                raise StreamFailure("error event: " + data.decode(errors="replace")[:200])
    if buf.strip():
        raise StreamFailure("bytes after the last event")
    return names, "".join(text), stop_reason


def validate(result, events):
    names, text, stop = result
    if names[:2] != EXPECTED_SEQUENCE_HEAD or names[-3:] != EXPECTED_SEQUENCE_TAIL:
        raise StreamFailure(f"event sequence {names[:3]}...{names[-3:]}")
    if set(names[2:-3]) != {"content_block_delta"}:
        raise StreamFailure(f"unexpected events in the middle: {sorted(set(names[2:-3]))}")
    if text != expected_text(events):
        raise StreamFailure(f"text {text[:60]!r}")
    if stop != "end_turn":
        raise StreamFailure(f"stop_reason {stop}")


class Load:
    def __init__(self, a):
        self.a = a
        self.dir = tempfile.mkdtemp(prefix="apxlate-load-")
        self.up = None
        self.proxy = None

    # -- processes

    def start(self):
        self.up = subprocess.Popen([sys.executable, os.path.join(HERE, "upstream.py"), "--events", str(self.a.events),
                                    "--gap", str(self.a.gap)], stdout=subprocess.PIPE, text=True)
        self.up_port = int(self.up.stdout.readline())
        cfg = os.path.join(self.dir, "config.yaml")
        with open(cfg, "w") as f:
            f.write(f"""upstreams:
  up:
    base_url: http://127.0.0.1:{self.up_port}/v1
    format: openai-chat
    api_key: sk-load
routes:
  - match: "*"
    upstream: up
    model: gpt-load
""")
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "PROXY_API_KEY"))}
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        self.log_path = os.path.join(self.dir, "proxy.log")
        self.log = open(self.log_path, "wb")
        self.proxy = subprocess.Popen([self.a.bin, "serve", "--port", str(self.port), "--config", cfg,
                                       "--log-level", "warning", *self.a.proxy_arg], env=env,
                                      stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proxy.poll() is not None:
                    break
                time.sleep(0.05)
        raise SystemExit("proxy did not start: " + open(self.log_path).read())

    def stop(self):
        for p in (self.proxy, self.up):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    async def control(self, path):
        r, w = await asyncio.open_connection("127.0.0.1", self.up_port)
        method = b"GET" if path.endswith("stats") else b"POST"
        w.write(b"%s %s HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n" % (method, path.encode()))
        head = await r.readuntil(b"\r\n\r\n")
        n = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
        body = json.loads(await r.readexactly(n))
        w.close()
        return body

    # -- one round of concurrent streams

    async def round(self, n, idle_rss):
        """`idle_rss`: the proxy's RSS before any load, the base of the per-stream figure."""
        pid = self.proxy.pid
        before_rss, before_fds = rss_kb(pid), fds(pid)
        await self.control("/control/hold")
        req = request_bytes(self.port)
        started = 0
        all_started = asyncio.Event()
        connect_gate = asyncio.Semaphore(256)  # connects in flight at once (the backlog stays short)
        failures = []
        completed = 0

        def first():
            nonlocal started
            started += 1
            if started == n:
                all_started.set()

        async def one():
            nonlocal completed
            w = None
            try:
                async with connect_gate:
                    r, w = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
                    w.write(req)
                result = await read_stream(r, first)
                validate(result, self.a.events)
                completed += 1
            except Exception as e:  # noqa: BLE001 - every failure is counted and shown
                failures.append(f"{type(e).__name__}: {e}")
                first_missing = started < n
                if first_missing:
                    first()  # do not wait forever for a stream that failed
            finally:
                if w:
                    w.close()

        t0 = time.time()
        tasks = [asyncio.create_task(one()) for _ in range(n)]
        try:
            await asyncio.wait_for(all_started.wait(), timeout=self.a.ramp_timeout)
        except asyncio.TimeoutError:
            pass
        ramp = time.time() - t0
        stats = await self.control("/control/stats")
        peak_rss, peak_fds = rss_kb(pid), fds(pid)
        active = stats["open"]
        await self.control("/control/release")
        await asyncio.gather(*tasks)
        duration = time.time() - t0
        await asyncio.sleep(self.a.settle)
        after_rss, after_fds = rss_kb(pid), fds(pid)
        return dict(concurrency=n, active=active, completed=completed, failed=len(failures),
                    failures=failures[:5], rss_before=before_rss, rss_peak=peak_rss, rss_after=after_rss,
                    kb_per_stream=(peak_rss - idle_rss) / max(1, active), fds_before=before_fds,
                    fds_peak=peak_fds, fds_after=after_fds, ramp_s=ramp, duration_s=duration)

    # -- soak

    async def soak(self, total, conc, marks):
        pid = self.proxy.pid
        req = request_bytes(self.port, fast=True)
        done = issued = 0
        failures = []
        rss_at = {}
        start_rss = rss_kb(pid)
        cpu0 = cpu_s(pid)
        t0 = time.time()

        async def worker():
            nonlocal done, issued
            r = w = None
            while issued < total:
                issued += 1
                try:
                    if w is None:
                        r, w = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
                    w.write(req)
                    validate(await read_stream(r), self.a.events)
                except Exception as e:  # noqa: BLE001
                    failures.append(f"{type(e).__name__}: {e}")
                    if w:
                        w.close()
                    r = w = None
                done += 1
                if done in marks:
                    rss_at[done] = rss_kb(pid)
            if w:
                w.close()

        await asyncio.gather(*[worker() for _ in range(conc)])
        duration = time.time() - t0
        await asyncio.sleep(self.a.settle)
        return dict(requests=done, failed=len(failures), failures=failures[:5], rss_start=start_rss,
                    cpu_ms_per_request=(cpu_s(pid) - cpu0) * 1000 / max(1, done),
                    rss_at=rss_at, rss_end=rss_kb(pid), fds_end=fds(pid), duration_s=duration,
                    rate=done / duration if duration else 0)


def mb(kb):
    return f"{kb / 1024:.1f} MB"


async def amain(a):
    load = Load(a)
    load.start()
    problems = []
    try:
        pid = load.proxy.pid
        print(f"proxy pid {pid}, upstream port {load.up_port}; events/stream {a.events}, gap {a.gap}s", flush=True)
        idle_rss = rss_kb(pid)
        print(f"idle proxy: RSS {mb(idle_rss)}, fds {fds(pid)}", flush=True)
        if a.soak:  # first, on a fresh heap: a leak cannot hide in memory freed by the rounds
            marks = sorted({m for m in (a.soak // 10, a.soak // 2, a.soak) if m > 0})
            s = await load.soak(a.soak, a.soak_concurrency, set(marks))
            at = ", ".join(f"{m}: {mb(s['rss_at'].get(m, 0))}" for m in marks)
            print(f"soak: {s['requests']} requests over {a.soak_concurrency} connections, failed {s['failed']}, "
                  f"RSS start {mb(s['rss_start'])}, at {at}, end {mb(s['rss_end'])}, fds end {s['fds_end']}, "
                  f"{s['duration_s']:.1f}s ({s['rate']:.0f} req/s, proxy CPU {s['cpu_ms_per_request']:.2f} ms per request)",
                  flush=True)
            for f in s["failures"]:
                print("   failure:", f)
            if s["failed"]:
                problems.append(f"soak: {s['failed']} failed")
            first, last = s["rss_at"].get(marks[0], 0), s["rss_at"].get(marks[-1], 0)
            if (last - first) / 1024 > a.max_soak_growth_mb:
                problems.append(f"soak RSS grew {(last - first) / 1024:.1f} MB from {marks[0]} to {marks[-1]} requests "
                                f"(bound {a.max_soak_growth_mb})")
        # Warm-up at full size: the heap reaches its working size and curl's connection cache fills.
        w = await load.round(a.streams, idle_rss)
        print(f"warm-up: {w['completed']}/{a.streams} completed, RSS peak {mb(w['rss_peak'])}, "
              f"after {mb(w['rss_after'])}, fds after {w['fds_after']}", flush=True)
        rounds = []
        for i in range(a.rounds):
            r = await load.round(a.streams, idle_rss)
            rounds.append(r)
            print(f"round {i + 1}: concurrency {r['concurrency']}, active at peak {r['active']}, "
                  f"completed {r['completed']}, failed {r['failed']}, RSS before/peak/after "
                  f"{mb(r['rss_before'])}/{mb(r['rss_peak'])}/{mb(r['rss_after'])}, "
                  f"{r['kb_per_stream']:.1f} KB per active stream (peak - idle), fds before/peak/after "
                  f"{r['fds_before']}/{r['fds_peak']}/{r['fds_after']}, ramp {r['ramp_s']:.1f}s, "
                  f"duration {r['duration_s']:.1f}s", flush=True)
            for f in r["failures"]:
                print("   failure:", f)
            if r["failed"] or r["completed"] != a.streams:
                problems.append(f"round {i + 1}: {r['failed']} failed, {r['completed']}/{a.streams} completed")
            if r["active"] < a.streams:
                problems.append(f"round {i + 1}: only {r['active']} streams were open at once")
        if len(rounds) >= 2:
            r1, r2 = rounds[-2], rounds[-1]
            if r2["fds_after"] > r1["fds_after"] + a.fd_slack:
                problems.append(f"descriptors grew between rounds: {r1['fds_after']} -> {r2['fds_after']}")
            # The heap keeps its high-water mark: a round whose peak happens to be higher (clients
            # read a little slower at the release) leaves RSS a little higher without any leak.
            # A leak grows by the same amount every round; the bound is a share of a round's memory.
            grown = (r2["rss_after"] - r1["rss_after"]) / 1024
            bound = max(a.max_round_growth_mb, 0.15 * (r1["rss_peak"] - idle_rss) / 1024)
            print(f"RSS after the last two rounds: {mb(r1['rss_after'])} -> {mb(r2['rss_after'])} "
                  f"({grown:+.1f} MB, bound {bound:.1f}); fds {r1['fds_after']} -> {r2['fds_after']}", flush=True)
            if grown > bound:
                problems.append(f"RSS grew {grown:.1f} MB between rounds (bound {bound:.1f})")
        if load.proxy.poll() is not None:
            problems.append(f"the proxy exited with {load.proxy.returncode}")
    finally:
        load.stop()
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        print("proxy log tail:\n" + open(load.log_path, errors="replace").read()[-3000:])
        return 1 if a.check else 0
    print("ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("APXLATE_BIN", os.path.join(ROOT, "build", "bin", "apxlate")))
    ap.add_argument("--streams", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--events", type=int, default=8, help="content events per stream")
    ap.add_argument("--gap", type=float, default=0.25, help="seconds between upstream events")
    ap.add_argument("--soak", type=int, default=100_000)
    ap.add_argument("--soak-concurrency", type=int, default=200)
    ap.add_argument("--ramp-timeout", type=float, default=120)
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--fd-slack", type=int, default=8)
    ap.add_argument("--max-round-growth-mb", type=float, default=8)
    ap.add_argument("--max-soak-growth-mb", type=float, default=16)
    ap.add_argument("--check", action="store_true", help="exit 1 on any problem")
    ap.add_argument("--proxy-arg", action="append", default=[], help="extra argument for apxlate serve")
    a = ap.parse_args()
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard < a.streams + 100:
            raise SystemExit(f"open-file limit {hard} is too small for {a.streams} streams")
    except ValueError:
        pass
    sys.exit(asyncio.run(amain(a)))


if __name__ == "__main__":
    main()
