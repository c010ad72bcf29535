"""Runs a real nginx with the apxlate module on 127.0.0.1 in its own prefix directory."""
import os
import shutil
import socket
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The sanitizer run (Tests/asan/run.sh) loads the ASan runtime into every nginx process through
# LD_PRELOAD (Debian's nginx is not instrumented, the module is) and sets ASAN_OPTIONS.
PRELOAD = os.environ.get("APXLATE_NGINX_PRELOAD")


def nginx_env(control):
    """The environment of an nginx command. A control command (`-t`, `-s reload|quit`) parses
    the configuration and exits without ever freeing that cycle's pool (nginx's design: its
    `main` returns with the cycle held only by its own stack frame), so LeakSanitizer would report
    the whole configuration; leak checking stays on for the master and workers, which destroy
    their cycle's pool (and so run the module's cleanups) when they exit."""
    if not PRELOAD:
        return None
    env = dict(os.environ, LD_PRELOAD=PRELOAD)
    if control:
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    return env

CONF = """
{user}
worker_processes 2;
daemon on;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
load_module {module};
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 8m;
    client_body_buffer_size 4k;   # larger requests go through a temp file

    upstream openai {{
        server 127.0.0.1:{upstream_port};
        keepalive 8;
    }}

    server {{
        listen 127.0.0.1:{port};

        # Anthropic clients (Claude Code, the anthropic SDK) on an OpenAI-compatible upstream.
        location = /v1/messages {{
            apxlate on;
            apxlate_from anthropic;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            proxy_set_header x-api-key "";
            proxy_read_timeout 300s;
        }}

        # An upstream that goes silent mid-stream: proxy_read_timeout fires.
        location = /stall/v1/messages {{
            apxlate on;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            proxy_read_timeout 1s;
        }}

        location = /stall/v1/chat/completions {{
            apxlate on;
            apxlate_from openai-chat;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            proxy_read_timeout 1s;
        }}

        # OpenAI Responses clients on the Chat upstream (the fault tests).
        location = /v1/responses {{
            apxlate on;
            apxlate_from openai-responses;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
        }}

        location = /stall/v1/responses {{
            apxlate on;
            apxlate_from openai-responses;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            proxy_read_timeout 1s;
        }}

        # Claude Code's token counting, answered by nginx itself.
        location = /v1/messages/count_tokens {{
            apxlate_count_tokens;
            apxlate_from anthropic;
            apxlate_config {prefix}/apxlate.json;
        }}

        # Same format on both sides: only the model is mapped.
        location = /v1/chat/completions {{
            apxlate on;
            apxlate_from openai-chat;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            # no Accept-Encoding override: the module asks the upstream for identity itself
        }}

        # No upstream key: the upstream answers 401.
        location = /noauth/v1/messages {{
            apxlate on;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Accept-Encoding "";
        }}

        # An upstream that is down: nginx's own 502 reaches the client in its format.
        location = /down/v1/messages {{
            apxlate on;
            proxy_pass http://127.0.0.1:{down_port}/v1/chat/completions;
        }}

        # Without apxlate: untouched.
        location / {{
            proxy_pass http://openai;
            proxy_http_version 1.1;       # HTTP/1.0 would leave a closed connection in the keepalive cache
            proxy_set_header Connection "";
        }}
    }}

    # The README's example as a new user writes it: no body settings of its own (nginx's defaults
    # would be client_max_body_size 1m and client_body_buffer_size 8k; `apxlate on` raises them).
    server {{
        listen 127.0.0.1:{readme_port};
        client_max_body_size 1m;          # nginx's default, written out: what `apxlate on` raises
        client_body_buffer_size 8k;       # idem

        location = /v1/messages {{
            apxlate on;
            apxlate_from anthropic;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
            proxy_set_header x-api-key "";
            proxy_read_timeout 600s;
        }}

        location = /v1/chat/completions {{
            apxlate on;
            apxlate_from openai-chat;
            apxlate_to openai-chat;
            apxlate_config {prefix}/apxlate.json;
            proxy_pass http://openai/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer upstream-key";
        }}

        location = /v1/messages/count_tokens {{
            apxlate_count_tokens;
            apxlate_config {prefix}/apxlate.json;
        }}

        # A limit set on purpose stays (and its 413 is in the client's format).
        location = /small/v1/messages {{
            apxlate on;
            client_max_body_size 64k;
            proxy_pass http://openai/v1/chat/completions;
            proxy_set_header Authorization "Bearer upstream-key";
        }}
    }}
}}
"""

APXLATE_CONFIG = """{"models": {"map": {"claude-test-model": "gpt-mock"}, "big": "gpt-big", "small": "gpt-small"}}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_module():
    out = subprocess.run(["bash", os.path.join(ROOT, "bindings", "nginx", "build.sh")],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("building the module failed:\n" + out.stdout + out.stderr)
    return out.stdout.strip().splitlines()[-1]


class Nginx:
    def __init__(self, prefix, module, upstream_port):
        self.prefix = prefix
        self.port = free_port()
        self.readme_port = free_port()
        os.makedirs(prefix, exist_ok=True)
        with open(os.path.join(prefix, "apxlate.json"), "w") as f:
            f.write(APXLATE_CONFIG)
        self.conf = os.path.join(prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(user="user root;" if os.geteuid() == 0 else "", prefix=prefix, module=module,
                                upstream_port=upstream_port, port=self.port, down_port=free_port(),
                                readme_port=self.readme_port))

    def cmd(self, *args):
        return subprocess.run([NGINX, "-p", self.prefix, "-c", self.conf, "-e", os.path.join(self.prefix, "error.log"),
                               *args], capture_output=True, text=True, env=nginx_env(control=bool(args)))

    def start(self):
        r = self.cmd("-t")
        if r.returncode != 0:
            raise RuntimeError("nginx -t failed:\n" + r.stderr)
        r = self.cmd()
        if r.returncode != 0:
            raise RuntimeError("nginx failed to start:\n" + r.stderr + self.error_log())
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not listen:\n" + self.error_log())

    def reload(self):
        r = self.cmd("-s", "reload")
        if r.returncode != 0:
            raise RuntimeError("reload failed: " + r.stderr)

    def stop(self):
        self.cmd("-s", "quit")
        pid = self.master_pid()
        deadline = time.time() + 10
        while pid and time.time() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)

    def master_pid(self):
        try:
            with open(os.path.join(self.prefix, "nginx.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def worker_pids(self):
        """The master's worker processes (read from /proc: no procps needed)."""
        master = self.master_pid()
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read()
            except (OSError, ValueError, IndexError):
                continue
            if ppid == master and b"worker process" in cmd:
                pids.append(int(entry))
        return sorted(pids)

    def error_log(self):
        try:
            with open(os.path.join(self.prefix, "error.log")) as f:
                return f.read()
        except OSError:
            return ""

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def readme_url(self):
        return f"http://127.0.0.1:{self.readme_port}"


def http(method, url, body=None, headers=None):
    """(status, headers, body bytes) without raising on HTTP errors."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
