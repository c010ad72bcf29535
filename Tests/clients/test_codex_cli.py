"""The real Codex CLI (`codex exec`) on Claude and on a Chat Completions model, through
`apxlate serve` (and through the nginx module), against strict mocks.

Codex runs with retries off: each model turn must be exactly one upstream request, and any
stream Codex cannot parse fails the run (an error event, a failed turn, a non-zero exit)."""
import json
import os

from codex_client import run_codex
from turns import anthropic_turn, chat_turn

MARKER = "apx-codex-ran-5b1d"


def main_turns(mock):
    """The upstream requests, each a model turn of the conversation (Codex sends no side
    requests here: a request without tools would be a retry or a fallback of some kind)."""
    assert all((r.json or {}).get("tools") for r in mock.requests), [r.path for r in mock.requests]
    return mock.requests


def tool_results(body):
    """Anthropic tool_result blocks of the last user message, by tool_use_id."""
    last = body["messages"][-1]
    return {b["tool_use_id"]: b for b in last["content"] if isinstance(last["content"], list) and b.get("type") == "tool_result"}


def result_text(block):
    c = block.get("content")
    return c if isinstance(c, str) else "".join(p.get("text", "") for p in c or [])


def test_text_turn_on_claude(proxy, anthropic_mock):
    def script(rec):
        return anthropic_turn(anthropic_mock, rec, text="Hello from Claude.")[0]

    anthropic_mock.script = script
    run = run_codex(proxy.url + "/v1", "claude-sonnet-4-5", "Say hello.")
    assert not anthropic_mock.violations, anthropic_mock.violations
    run.assert_clean()
    assert run.final_message == "Hello from Claude."
    assert len(anthropic_mock.requests) == 1
    body = anthropic_mock.requests[0].json
    assert body["stream"] is True and body["model"] == "claude-sonnet-4-5"
    names = {t["name"] for t in body["tools"]}
    assert "exec_command" in names
    # Codex's sub-agent tools come as a namespace: each reaches Claude as its own function.
    assert any(n.startswith("multi_agent_v1__") for n in names), sorted(names)


def test_exec_command_loop_keeps_reasoning_on_claude(proxy, anthropic_mock):
    issued = {}

    def script(rec):
        if not tool_results(rec.json):
            reply, ids, sig = anthropic_turn(anthropic_mock, rec, thinking="Run the command first.", text="Running it.",
                                             tool_uses=[("exec_command", {"cmd": f"echo {MARKER}"})])
            issued["call"], issued["signature"] = ids[0], sig
            return reply
        return anthropic_turn(anthropic_mock, rec, thinking="It printed the marker.", text="The command printed it. Done.")[0]

    anthropic_mock.script = script
    run = run_codex(proxy.url + "/v1", "claude-sonnet-4-5", f"Run `echo {MARKER}` and tell me what it printed.",
                    args=["-c", 'model_reasoning_effort="medium"'])
    assert not anthropic_mock.violations, anthropic_mock.violations
    run.assert_clean()
    assert run.final_message == "The command printed it. Done."
    turns = main_turns(anthropic_mock)
    assert len(turns) == 2, [len(t.json["messages"]) for t in turns]  # one request per model turn
    second = turns[1].json
    assert second["thinking"]["type"] in ("enabled", "adaptive")
    # The tool's output reached Claude as the result of its call.
    results = tool_results(second)
    assert list(results) == [issued["call"]]
    assert MARKER in result_text(results[issued["call"]])
    # Claude's thinking came back first in its turn, with its signature unchanged.
    assistant = second["messages"][-2]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == {"type": "thinking", "thinking": "Run the command first.", "signature": issued["signature"]}
    assert [b["type"] for b in assistant["content"]] == ["thinking", "text", "tool_use"]


def test_custom_and_namespaced_tools_on_claude(proxy, anthropic_mock):
    """Codex's free-form `apply_patch` (a custom tool with a Lark grammar) and a tool of its
    `multi_agent_v1` namespace, called by Claude, run in Codex."""
    calls = {}
    patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello from \"claude\" \u00e9\n*** End Patch\n"

    def script(rec):
        body = rec.json
        tools = {t["name"]: t for t in body["tools"]}
        results = tool_results(body)
        if not results:
            calls["tools"] = tools
            reply, ids, _ = anthropic_turn(anthropic_mock, rec, text="Writing the file.",
                                           tool_uses=[("apply_patch", {"input": patch})])
            calls["patch"] = ids[0]
            return reply
        if calls["patch"] in results and "close" not in calls:
            calls["patch_result"] = result_text(results[calls["patch"]])
            # this turn opens with a ping and carries the call's input in content_block_start
            reply, ids, _ = anthropic_turn(anthropic_mock, rec, tool_uses=[("multi_agent_v1__close_agent", {"target": "no-such-agent"})],
                                           quirks=True)
            calls["close"] = ids[0]
            return reply
        calls["close_result"] = result_text(results[calls["close"]])
        calls["history"] = [(b["name"], b["input"]) for m in body["messages"] if m["role"] == "assistant"
                            for b in m["content"] if b["type"] == "tool_use"]
        return anthropic_turn(anthropic_mock, rec, text="All done.")[0]

    anthropic_mock.script = script
    run = run_codex(proxy.url + "/v1", "claude-sonnet-4-5", "Create hello.txt.", catalog=True)
    assert not anthropic_mock.violations, anthropic_mock.violations
    run.assert_clean()
    assert run.final_message == "All done."
    assert len(main_turns(anthropic_mock)) == 3
    # The custom tool reached Claude as a function with one string parameter carrying the grammar.
    schema = calls["tools"]["apply_patch"]["input_schema"]
    assert list(schema["properties"]) == ["input"] and schema["required"] == ["input"]
    assert "Lark grammar" in schema["properties"]["input"]["description"]
    assert "*** Begin Patch" in schema["properties"]["input"]["description"]
    # Codex applied the patch it received as a custom_tool_call, and said so in the tool result.
    with open(os.path.join(run.workdir, "hello.txt"), encoding="utf-8") as f:
        assert f.read() == "hello from \"claude\" \u00e9\n"
    assert "hello.txt" in calls["patch_result"], calls["patch_result"]
    # The namespaced call reached Codex's close_agent (which knows no such agent), not an
    # "unsupported call" answer for an unknown tool name.
    assert "unsupported" not in calls["close_result"].lower(), calls["close_result"]
    assert "no-such-agent" in calls["close_result"], calls["close_result"]
    # Codex's history (custom_tool_call with its input, function_call with its namespace) went
    # back to Claude under the names and arguments Claude used.
    assert calls["history"] == [("apply_patch", {"input": patch}),
                                ("multi_agent_v1__close_agent", {"target": "no-such-agent"})], calls["history"]


def test_exec_command_loop_on_chat(proxy, chat_mock):
    def script(rec):
        if not any(m["role"] == "tool" for m in rec.json["messages"]):
            return chat_turn(rec, text="Running it.", tool_calls=[("exec_command", {"cmd": f"echo {MARKER}"})])[0]
        return chat_turn(rec, text="Done on chat.")[0]

    chat_mock.script = script
    run = run_codex(proxy.url + "/v1", "chat-codex", f"Run `echo {MARKER}`.")
    assert not chat_mock.violations, chat_mock.violations
    run.assert_clean()
    assert run.final_message == "Done on chat."
    turns = main_turns(chat_mock)
    assert len(turns) == 2
    assert all(t.json["model"] == "gpt-mock" and t.json["stream"] is True for t in turns)
    tool_msgs = [m for m in turns[1].json["messages"] if m["role"] == "tool"]
    assert len(tool_msgs) == 1 and MARKER in json.dumps(tool_msgs[0]["content"])


def test_exec_command_loop_through_nginx(nginx, chat_mock):
    def script(rec):
        if not any(m["role"] == "tool" for m in rec.json["messages"]):
            return chat_turn(rec, tool_calls=[("exec_command", {"cmd": f"echo {MARKER}"})])[0]
        return chat_turn(rec, text="Done through nginx.")[0]

    chat_mock.script = script
    run = run_codex(nginx.url + "/v1", "chat-codex", f"Run `echo {MARKER}`.")
    assert not chat_mock.violations, chat_mock.violations
    run.assert_clean()
    assert run.final_message == "Done through nginx."
    turns = main_turns(chat_mock)
    assert len(turns) == 2
    tool_msgs = [m for m in turns[1].json["messages"] if m["role"] == "tool"]
    assert len(tool_msgs) == 1 and MARKER in json.dumps(tool_msgs[0]["content"])
