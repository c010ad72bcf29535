"""The real Claude Code CLI (bundled in claude-agent-sdk) through the proxy against the OpenAI
mock: the model first calls the Bash tool, then answers with text. Exactly one upstream request
per model turn (Claude Code silently re-sends without streaming when a stream is malformed)."""
import json
import os
import subprocess
import tempfile

import pytest

from mock_upstreams import Reply, chat_stream_events, chat_completion

MARKER = "apx-bash-ran-7f3e"


def claude_binary():
    try:
        import claude_agent_sdk
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(claude_agent_sdk.__file__), "_bundled", "claude")
    return path if os.path.exists(path) else None


def run_claude(proxy, prompt, workdir):
    binary = claude_binary()
    if binary is None:
        pytest.skip("claude-agent-sdk (with its bundled CLI) is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE", "OPENAI_"))}
    env.update({
        "HOME": tempfile.mkdtemp(prefix="claude-home-"),
        "ANTHROPIC_BASE_URL": proxy.url,
        "ANTHROPIC_API_KEY": "client-key-for-proxy",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "DISABLE_AUTOUPDATER": "1",
    })
    r = subprocess.run([binary, "-p", prompt, "--allowedTools", "Bash", "--output-format", "json"],
                       cwd=workdir, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
    return r


def is_main_turn(rec):
    """A model turn of the conversation (not a side request such as a title or a quota probe)."""
    body = rec.json or {}
    return bool(body.get("tools"))


def test_claude_code_runs_bash_through_the_proxy(proxy, openai_mock):
    def turn(rec):
        body = rec.json or {}
        tool_results = [m for m in body.get("messages", []) if m.get("role") == "tool"]
        stream = bool(body.get("stream"))
        if not body.get("tools"):
            # Side requests (titles, topic checks): a short text answer.
            return Reply(events=chat_stream_events(text="ok")) if stream else Reply(body=chat_completion(text="ok"))
        if not tool_results:
            call = {"id": "call_bash_1", "name": "Bash", "arguments": {"command": f"echo {MARKER}", "description": "Print the marker"}}
            return Reply(events=chat_stream_events(text="I will run it.", tool_calls=[call])) if stream \
                else Reply(body=chat_completion(text="I will run it.", tool_calls=[call]))
        text = "The command printed the marker. Done."
        return Reply(events=chat_stream_events(text=text)) if stream else Reply(body=chat_completion(text=text))

    openai_mock.default_reply = turn
    try:
        workdir = tempfile.mkdtemp(prefix="claude-work-")
        r = run_claude(proxy, f"Run the shell command: echo {MARKER}", workdir)
    finally:
        del openai_mock.default_reply
    assert r.returncode == 0, f"claude failed: {r.stdout[-2000:]} {r.stderr[-2000:]}\nproxy:\n{proxy.logs()[-3000:]}"
    result = json.loads(r.stdout)
    assert result["is_error"] is False, result
    assert "Done" in result["result"]

    turns = [rec for rec in openai_mock.requests if is_main_turn(rec)]
    # Exactly one upstream request per model turn: a second (non-streaming) request for the same
    # turn means Claude Code rejected the translated stream.
    assert len(turns) == 2, [(t.json.get("stream"), len(t.json.get("messages", []))) for t in turns]
    assert all(t.json["stream"] is True for t in turns)
    assert all(t.json["model"] in ("gpt-big", "gpt-small") for t in turns)
    first, second = turns
    assert not any(m.get("role") == "tool" for m in first.json["messages"])
    tool_msgs = [m for m in second.json["messages"] if m.get("role") == "tool"]
    assert len(tool_msgs) == 1
    assert tool_msgs[0]["tool_call_id"] == "call_bash_1"
    assert MARKER in json.dumps(tool_msgs[0]["content"])  # the Bash tool really ran
    assert any(t["function"]["name"] == "Bash" for t in first.json["tools"])
