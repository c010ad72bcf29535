"""Strict mock upstreams for the real-client tests: an Anthropic Messages API and a Chat
Completions API that reject (HTTP 400, in their own error shape) what the real APIs reject, and
record every violation so a test fails on it even when the client swallows the error.

Each mock answers from `script(rec)` (a function of the recorded request returning a Reply);
a violation answers 400 instead and lands in `violations`."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "proxy"))

from mock_upstreams import MockAnthropic, MockOpenAI, Reply  # noqa: E402

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
TOOL_ID = re.compile(r"^[a-zA-Z0-9_-]+$")

ANTHROPIC_KEYS = {"model", "messages", "max_tokens", "system", "tools", "tool_choice", "stream", "temperature",
                  "top_p", "top_k", "stop_sequences", "metadata", "thinking", "service_tier", "output_config",
                  "container", "context_management", "mcp_servers"}
ANTHROPIC_BLOCKS = {"text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"}


class Violation(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Violation(what)


def check_anthropic(body, issued_signatures):
    """The Messages API's rules that a translated request can break. `issued_signatures` are the
    thinking signatures this mock handed out: a thinking block must carry one of them unchanged."""
    check(isinstance(body, dict), "body is not a JSON object")
    unknown = set(body) - ANTHROPIC_KEYS
    check(not unknown, f"unknown top-level keys {sorted(unknown)}")
    check(isinstance(body.get("model"), str) and body["model"], "model: required string")
    check(isinstance(body.get("max_tokens"), int) and body["max_tokens"] >= 1, "max_tokens: required positive integer")
    thinking = body.get("thinking") or {}
    if thinking.get("type") == "enabled":
        check(isinstance(thinking.get("budget_tokens"), int) and 1024 <= thinking["budget_tokens"] < body["max_tokens"],
              "thinking.budget_tokens must be >= 1024 and less than max_tokens")
    if "temperature" in body:
        check(0 <= body["temperature"] <= 1, "temperature: out of range")
        check("top_p" not in body, "temperature and top_p cannot both be specified")
    names = set()
    for i, t in enumerate(body.get("tools") or []):
        if "type" in t and t["type"] not in ("custom",):
            continue  # a server tool
        check(TOOL_NAME.match(t.get("name", "")), f"tools.{i}.name: {t.get('name')!r} does not match ^[a-zA-Z0-9_-]{{1,64}}$")
        check(t["name"] not in names, f"tools: tool names must be unique ({t['name']})")
        names.add(t["name"])
        schema = t.get("input_schema")
        check(isinstance(schema, dict) and schema.get("type") == "object", f"tools.{i}.input_schema: type must be object")
        unknown = set(t) - {"name", "description", "input_schema", "cache_control", "type", "strict"}
        check(not unknown, f"tools.{i}: unknown keys {sorted(unknown)}")
    msgs = body.get("messages")
    check(isinstance(msgs, list) and msgs, "messages: at least one message is required")
    check(msgs[0].get("role") == "user", "messages.0: the first message must use the user role")
    pending_ids = []  # tool_use ids of the previous assistant turn, to be answered now
    for i, m in enumerate(msgs):
        role = m.get("role")
        check(role in ("user", "assistant"), f"messages.{i}.role: {role!r}")
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        check(isinstance(blocks, list), f"messages.{i}.content: string or list")
        if role == "user":
            results = [b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"]
            check(sorted(results) == sorted(pending_ids),
                  f"messages.{i}: tool_use ids {pending_ids} must each have a tool_result in the next message, got {results}")
            lead = [b.get("type") for b in blocks[:len(results)]]
            check(all(t == "tool_result" for t in lead), f"messages.{i}: tool_result blocks must come first")
            pending_ids = []
        else:
            check(not pending_ids, f"messages.{i}: tool_use ids {pending_ids} were not answered")
            pending_ids = [b.get("id") for b in blocks if b.get("type") == "tool_use"]
        for j, b in enumerate(blocks):
            t = b.get("type")
            check(t in ANTHROPIC_BLOCKS, f"messages.{i}.content.{j}.type: {t!r}")
            if t == "text":
                check(isinstance(b.get("text"), str) and b["text"] != "", f"messages.{i}.content.{j}: text content blocks must be non-empty")
            if t == "tool_use":
                check(role == "assistant", f"messages.{i}.content.{j}: tool_use in a user turn")
                check(TOOL_ID.match(b.get("id", "")), f"messages.{i}.content.{j}.id: {b.get('id')!r}")
                check(isinstance(b.get("input"), dict), f"messages.{i}.content.{j}.input: must be an object")
            if t == "thinking":
                check(role == "assistant", f"messages.{i}.content.{j}: thinking in a user turn")
                check(b.get("signature") in issued_signatures,
                      f"messages.{i}.content.{j}.signature: invalid signature in thinking block ({b.get('signature')!r})")
    check(msgs[-1]["role"] == "user" or not pending_ids, "the last message has unanswered tool_use blocks")
    # With thinking on, an assistant turn that is continued by tool results must start with the
    # thinking block the model gave (the API rejects the request otherwise).
    if thinking.get("type") in ("enabled", "adaptive") and len(msgs) >= 2:
        last_assistant = next((m for m in reversed(msgs) if m["role"] == "assistant"), None)
        if last_assistant is not None and any(b.get("type") == "tool_use" for b in last_assistant["content"]):
            first = last_assistant["content"][0].get("type")
            check(first in ("thinking", "redacted_thinking"),
                  f"Expected `thinking` or `redacted_thinking`, but found `{first}`. When `thinking` is enabled, "
                  "a final `assistant` message must start with a thinking block")


def check_chat(body):
    """The Chat Completions rules that a translated request can break."""
    check(isinstance(body, dict), "body is not a JSON object")
    check(isinstance(body.get("model"), str) and body["model"], "model: required string")
    msgs = body.get("messages")
    check(isinstance(msgs, list) and msgs, "messages: required non-empty array")
    names = set()
    for i, t in enumerate(body.get("tools") or []):
        check(t.get("type") == "function", f"tools[{i}].type: {t.get('type')!r}")
        fn = t.get("function") or {}
        check(TOOL_NAME.match(fn.get("name", "")), f"tools[{i}].function.name: {fn.get('name')!r} does not match ^[a-zA-Z0-9_-]{{1,64}}$")
        check(fn["name"] not in names, f"tools[{i}]: duplicate name {fn['name']}")
        names.add(fn["name"])
        check(isinstance(fn.get("parameters", {}), dict), f"tools[{i}].function.parameters: object")
    open_calls = set()
    for i, m in enumerate(msgs):
        role = m.get("role")
        check(role in ("system", "developer", "user", "assistant", "tool"), f"messages[{i}].role: {role!r}")
        if role == "tool":
            check(m.get("tool_call_id") in open_calls,
                  f"messages[{i}]: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'")
            open_calls.discard(m["tool_call_id"])
            continue
        check(not open_calls, f"messages[{i}]: an assistant message with 'tool_calls' must be followed by tool messages "
                              f"responding to each 'tool_call_id'; missing {sorted(open_calls)}")
        for c in m.get("tool_calls") or []:
            check(role == "assistant", f"messages[{i}]: tool_calls outside an assistant message")
            check(isinstance(c.get("id"), str) and c["id"], f"messages[{i}].tool_calls: id")
            check(c.get("type") == "function", f"messages[{i}].tool_calls: type")
            args = c["function"].get("arguments")
            check(isinstance(args, str), f"messages[{i}].tool_calls: arguments must be a string")
            try:
                json.loads(args)
            except ValueError:
                raise Violation(f"messages[{i}].tool_calls: arguments are not JSON: {args!r}")
            open_calls.add(c["id"])
    check(not open_calls, f"unanswered tool calls {sorted(open_calls)}")


class StrictAnthropic(MockAnthropic):
    """Checks every `POST /v1/messages`, then answers `script(rec)`."""

    def __init__(self):
        super().__init__()
        self.script = None
        self.violations = []
        self.issued_signatures = set()

    def reset(self):
        super().reset()
        self.script = None
        self.violations = []

    def default_reply(self, rec):
        try:
            check(rec.path.split("?")[0] == "/v1/messages", f"unexpected path {rec.path}")
            check_anthropic(rec.json, self.issued_signatures)
        except Violation as v:
            self.violations.append(str(v))
            return Reply(400, body={"type": "error", "error": {"type": "invalid_request_error", "message": str(v)}})
        return self.script(rec)


class StrictChat(MockOpenAI):
    """Checks every `POST /v1/chat/completions`, then answers `script(rec)`."""

    def __init__(self):
        super().__init__()
        self.script = None
        self.violations = []

    def reset(self):
        super().reset()
        self.script = None
        self.violations = []

    def default_reply(self, rec):
        try:
            check(rec.path == "/v1/chat/completions", f"unexpected path {rec.path}")
            check_chat(rec.json)
        except Violation as v:
            self.violations.append(str(v))
            return Reply(400, body={"error": {"message": str(v), "type": "invalid_request_error", "param": None, "code": None}})
        return self.script(rec)
