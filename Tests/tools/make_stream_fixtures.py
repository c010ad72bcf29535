# Writes the stream fixtures' case.json and input.sse (expected.sse is produced by
# `APX_UPDATE_STREAM_FIXTURES=1 swift test --filter StreamFixtures` for missing files, then reviewed).
import json, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures")

def w(group, name, case, sse):
    d = os.path.join(ROOT, group, "stream-" + name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "case.json"), "w") as f:
        f.write(json.dumps(case, indent=1) + "\n")
    with open(os.path.join(d, "input.sse"), "wb") as f:
        f.write(sse if isinstance(sse, bytes) else sse.encode())

def cj(o): return json.dumps(o, separators=(",", ":"), ensure_ascii=False)

# ---------- openai-chat upstream -> anthropic client
def chunk(delta=None, finish=None, usage=None, choices=True, cid="chatcmpl-A1", model="gpt-up"):
    o = {"id": cid, "object": "chat.completion.chunk", "created": 1700000000, "model": model}
    if choices:
        o["choices"] = [{"index": 0, "delta": delta if delta is not None else {}, "finish_reason": finish}]
    else:
        o["choices"] = []
    if usage is not None: o["usage"] = usage
    return "data: " + cj(o) + "\n\n"
ROLE = chunk({"role": "assistant", "content": ""})
DONE = "data: [DONE]\n\n"
def U(p, c, cached=0, reasoning=None):
    u = {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
    if cached: u["prompt_tokens_details"] = {"cached_tokens": cached}
    if reasoning is not None: u["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return u
def tc(index, id=None, name=None, args=None, type_=True):
    t = {"index": index}
    if id is not None: t["id"] = id
    if id is not None and type_: t["type"] = "function"
    f = {}
    if name is not None: f["name"] = name
    if args is not None: f["arguments"] = args
    if f: t["function"] = f
    return t

C2A = "openai-chat-anthropic"
EX = {"client_model": "claude-sonnet-5-5", "upstream_model": "gpt-up", "input_tokens": 120}
base = {"from": "openai-chat", "to": "anthropic", "exchange": EX}

w(C2A, "text", base, ROLE + chunk({"content": "Hello"}) + chunk({"content": ", wörld \"quoted\"\\n"}) +
  chunk({}, "stop") + chunk(usage=U(20, 5), choices=False) + DONE)

w(C2A, "reasoning-content", base, ROLE + chunk({"reasoning_content": "Let me think"}) +
  chunk({"reasoning_content": " more."}) + chunk({"content": "Answer."}) + chunk({}, "stop", usage=U(30, 12, reasoning=8)) + DONE)

w(C2A, "reasoning-field", base, ROLE + chunk({"reasoning": "Thinking via reasoning"}) +
  chunk({"reasoning": " field", "reasoning_content": " field"}) + chunk({"content": "Done"}) + chunk({}, "stop") +
  chunk(usage=U(10, 4), choices=False) + DONE)

w(C2A, "tool-call-split", base, ROLE +
  chunk({"tool_calls": [tc(0, id="call_abc")]}) +
  chunk({"tool_calls": [{"index": 0, "function": {"name": "get_weather"}}]}) +
  chunk({"tool_calls": [tc(0, args="{\"city\":")]}) +
  chunk({"tool_calls": [tc(0, args="\"Paris\"}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(50, 9), choices=False) + DONE)

w(C2A, "tool-call-one-piece", base, ROLE + chunk({"content": "Checking."}) +
  chunk({"tool_calls": [tc(0, id="call_1", name="get_weather", args="{\"city\":\"Oslo\",\"units\":\"metric\"}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(40, 15), choices=False) + DONE)

w(C2A, "tool-calls-interleaved", base, ROLE +
  chunk({"tool_calls": [tc(0, id="call_a", name="read_file", args="")]}) +
  chunk({"tool_calls": [tc(1, id="call_b", name="list_dir", args="")]}) +
  chunk({"tool_calls": [tc(0, args="{\"path\":")]}) +
  chunk({"tool_calls": [tc(1, args="{\"dir\":\"/tmp\"")]}) +
  chunk({"tool_calls": [tc(2, id="call_c", name="grep", args="{\"q\":\"x\"}")]}) +
  chunk({"tool_calls": [tc(0, args="\"a.txt\"}"), tc(1, args="}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(60, 30), choices=False) + DONE)

w(C2A, "tool-args-last-chunk", base, ROLE +
  chunk({"tool_calls": [tc(0, id="call_z", name="run", args="")]}) +
  chunk({"tool_calls": [tc(0, args="{\"cmd\":\"ls -la\"}")]}, "tool_calls", usage=U(25, 7)) + DONE)

w(C2A, "content-with-finish", base, ROLE + chunk({"content": "Short"}) +
  chunk({"content": " answer."}, "stop") + chunk(usage=U(8, 3), choices=False) + DONE)

w(C2A, "finish-before-usage", base, ROLE + chunk({"content": "Hi"}) + chunk({}, "length") +
  ": keep-alive while usage is computed\n\n" + chunk(usage=U(900, 4096), choices=False) + DONE)

w(C2A, "usage-empty-choices", base, ROLE + chunk({"content": "Cached."}) + chunk({}, "stop") +
  chunk(usage=U(2000, 6, cached=1500), choices=False) + DONE)

w(C2A, "eof-without-done", base, ROLE + chunk({"content": "No done marker"}) + chunk({}, "stop") +
  chunk(usage=U(11, 4), choices=False))

w(C2A, "done-marker", dict(base, warnings=["content after the end"]), ROLE + chunk({"content": "With done"}) + chunk({}, "stop", usage=U(12, 3)) + DONE +
  "data: " + cj({"id": "x", "choices": [{"index": 0, "delta": {"content": "after done"}}]}) + "\n\n")

w(C2A, "error-mid-stream", dict(base, warnings=[]), ROLE + chunk({"content": "Partial"}) +
  "data: " + cj({"error": {"message": "The server is overloaded", "type": "server_error", "param": None, "code": "server_is_overloaded"}}) + "\n\n")

w(C2A, "no-finish-reason", dict(base, warnings=["without a finish_reason"]), ROLE + chunk({"content": "Cut off"}) +
  chunk({"tool_calls": [tc(0, id="call_q", name="search", args="{\"q\":1}")]}))

w(C2A, "no-finish-no-usage-text", dict(base, warnings=["without a finish_reason", "no usage"]), ROLE + chunk({"content": "abcdefgh"}))

w(C2A, "keep-alive", base, ": OPENROUTER PROCESSING\n\n" + ROLE + ": ping\n\n" + chunk({"content": "Hi"}) +
  chunk({}, "stop") + chunk(usage=U(5, 1), choices=False) + DONE)

w(C2A, "tool-name-restored", dict(base, exchange=dict(EX, tool_names=["mcp.github/create_issue"])), ROLE +
  chunk({"tool_calls": [tc(0, id="call_x|fc_y", name="mcp_github_create_issue_564fc949", args="{}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(5, 1), choices=False) + DONE)

w(C2A, "thinking-then-tool", base, ROLE + chunk({"reasoning_content": "Need the weather."}) +
  chunk({"content": "Let me check."}) +
  chunk({"tool_calls": [tc(0, id="call_w", name="get_weather", args="{\"city\"")]}) +
  chunk({"tool_calls": [tc(0, args=":\"Rome\"}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(70, 21, reasoning=5), choices=False) + DONE)

MULTI = cj({"id": "chatcmpl-A1", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-up", "choices": [{"index": 0, "delta": {"content": "multi"}, "finish_reason": None}]})
CUT = MULTI.index(',"object"') + 1
w(C2A, "sse-framing", base, ("\ufeff" + ROLE.replace("\n", "\r\n") +
  ": comment line\r" + "retry: 3000\r" + "id: 7\r" + "data: " + MULTI[:CUT] + "\n" + "data:" + MULTI[CUT:] + "\r\n\r\n" +
  "data\n\n" + "event: message\ndata: " + cj({"id": "chatcmpl-A1", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-up", "choices": [{"index": 0, "delta":
  {"content": " line ✓ 😀"}, "finish_reason": None}]}) + "\r\r" + chunk({}, "stop", usage=U(3, 2)).replace("\n", "\r") + "data: [DONE]").encode())

w(C2A, "no-usage", dict(base, warnings=["no usage"]), ROLE + chunk({"content": "Twelve bytes"}) + chunk({}, "stop") + DONE)

w(C2A, "empty-stream", dict(base, warnings=["before sending any chunk"]), ": nothing\n\n")

# ---------- anthropic upstream -> openai-chat client
A2C = "anthropic-openai-chat"
EXA = {"client_model": "gpt-5-client", "upstream_model": "claude-up", "input_tokens": 99}
abase = {"from": "anthropic", "to": "openai-chat", "exchange": EXA, "created": 1750000000}
def ev(o): return "event: " + o["type"] + "\ndata: " + cj(o) + "\n\n"
def mstart(inp=25, cr=0, cw=0, out=1, mid="msg_01X"):
    return ev({"type": "message_start", "message": {"id": mid, "type": "message", "role": "assistant", "content": [], "model": "claude-up",
      "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": inp, "cache_creation_input_tokens": cw, "cache_read_input_tokens": cr, "output_tokens": out}}})
PING = ev({"type": "ping"})
def bstart(i, block): return ev({"type": "content_block_start", "index": i, "content_block": block})
def bdelta(i, d): return ev({"type": "content_block_delta", "index": i, "delta": d})
def bstop(i): return ev({"type": "content_block_stop", "index": i})
def mdelta(stop, out, seq=None, extra=None):
    u = {"output_tokens": out}
    if extra: u.update(extra)
    return ev({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": seq}, "usage": u})
MSTOP = ev({"type": "message_stop"})
def text(i, *parts):
    return bstart(i, {"type": "text", "text": ""}) + "".join(bdelta(i, {"type": "text_delta", "text": p}) for p in parts) + bstop(i)
def thinking(i, *parts, sig="EqQBCgIYAhIM"):
    return bstart(i, {"type": "thinking", "thinking": "", "signature": ""}) + "".join(bdelta(i, {"type": "thinking_delta", "thinking": p}) for p in parts) + bdelta(i, {"type": "signature_delta", "signature": sig}) + bstop(i)
def tool(i, id, name, *parts):
    return bstart(i, {"type": "tool_use", "id": id, "name": name, "input": {}}) + "".join(bdelta(i, {"type": "input_json_delta", "partial_json": p}) for p in parts) + bstop(i)

w(A2C, "text", abase, mstart() + PING + text(0, "Hello", " there \"friend\"\n") + mdelta("end_turn", 7) + MSTOP)
w(A2C, "text-include-usage", dict(abase, exchange=dict(EXA, include_usage=True)), mstart(inp=10, cr=1000, cw=50) + text(0, "Cached hi") + mdelta("end_turn", 3) + MSTOP)
w(A2C, "tool-use", dict(abase, exchange=dict(EXA, include_usage=True)), mstart() + text(0, "I'll look.") +
  tool(1, "toolu_01A", "get_weather", "", "{\"city\": \"Pa", "ris\"}") + mdelta("tool_use", 40) + MSTOP)
w(A2C, "tool-uses-two", abase, mstart() + tool(0, "toolu_01A", "read_file", "{\"path\":\"a\"}") + tool(1, "toolu_01B", "read_file", "{\"path\":", "\"b\"}") + mdelta("tool_use", 40) + MSTOP)
w(A2C, "thinking", dict(abase, exchange=dict(EXA, include_usage=True)), mstart() + thinking(0, "Need weather", "…") +
  tool(1, "toolu_01A", "get_weather", "{\"city\":\"Paris\"}") + mdelta("tool_use", 87, extra={"output_tokens_details": {"thinking_tokens": 30}}) + MSTOP)
w(A2C, "thinking-reasoning-field", dict(abase, config={"client": {"reasoning_field": "reasoning"}}), mstart() + thinking(0, "Hmm") + text(1, "Yes") + mdelta("end_turn", 9) + MSTOP)
w(A2C, "thinking-none", dict(abase, config={"client": {"reasoning_field": "none"}}, warnings=["thinking dropped"]), mstart() + thinking(0, "Hidden") + text(1, "Visible") + mdelta("end_turn", 9) + MSTOP)
w(A2C, "error-mid-stream", abase, mstart() + text(0, "Part") .replace(bstop(0), "") +
  ev({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
w(A2C, "max-tokens", dict(abase, exchange=dict(EXA, include_usage=True)), mstart() + text(0, "Long") + mdelta("max_tokens", 4096) + MSTOP)
w(A2C, "no-message-stop", dict(abase, warnings=["without message_stop"]), mstart() + text(0, "Cut").replace(bstop(0), ""))
w(A2C, "ping-only-keepalive", abase, PING + mstart() + PING + text(0, "x") + PING + mdelta("end_turn", 1) + MSTOP)
w(A2C, "stop-sequence", dict(abase, exchange=dict(EXA, include_usage=True)), mstart() + text(0, "Count: 1 2") + mdelta("stop_sequence", 5, seq="3") + MSTOP)

# ---------- passthrough
w("anthropic-anthropic", "passthrough-model", {"from": "anthropic", "to": "anthropic", "exchange": {"client_model": "claude-sonnet-5-5", "upstream_model": "claude-up"}},
  mstart() + PING + ": comment\n\n" + text(0, "Same") + mdelta("end_turn", 2) + MSTOP)
w("openai-chat-openai-chat", "passthrough-model", {"from": "openai-chat", "to": "openai-chat", "exchange": {"client_model": "gpt-client", "upstream_model": "gpt-up"}},
  ROLE + chunk({"content": "Same"}) + chunk({}, "stop") + DONE)
w("openai-chat-openai-chat", "passthrough-bytes", {"from": "openai-chat", "to": "openai-chat", "exchange": {"client_model": "gpt-up", "upstream_model": "gpt-up"}},
  ROLE.replace("\n", "\r\n") + ": c\n\n" + chunk({"content": "Untouched"}) + DONE)

# ---------- exchanges built from real client requests ("request" instead of "exchange")
w(C2A, "request-tool-names", {"from": "openai-chat", "to": "anthropic", "config": {"models": {"default": "gpt-up"}},
  "request": {"model": "claude-sonnet-5-5", "max_tokens": 1024, "stream": True,
              "messages": [{"role": "user", "content": "file an issue"}],
              "tools": [{"name": "mcp.github/create_issue", "input_schema": {"type": "object", "properties": {"title": {"type": "string"}}}}]}},
  ROLE + chunk({"tool_calls": [tc(0, id="call_1", name="mcp_github_create_issue_564fc949", args="{\"title\":\"Bug\"}")]}) +
  chunk({}, "tool_calls") + chunk(usage=U(80, 12), choices=False) + DONE)
w(A2C, "request-include-usage", {"from": "anthropic", "to": "openai-chat", "config": {"models": {"default": "claude-up"}}, "created": 1750000000,
  "request": {"model": "gpt-5-client", "stream": True, "stream_options": {"include_usage": True},
              "messages": [{"role": "user", "content": "hi"}]}},
  mstart(inp=7) + text(0, "Hi!") + mdelta("end_turn", 2) + MSTOP)
