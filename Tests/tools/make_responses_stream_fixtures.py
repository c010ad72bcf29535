# Writes the Responses stream fixtures' case.json and input.sse (expected.sse is produced by
# `APX_UPDATE_STREAM_FIXTURES=1 swift test --filter StreamFixtures` for missing files, reviewed,
# and judged by the SDKs in Tests/python/test_responses_stream_sdk.py).
import json, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures")

def w(group, name, case, sse):
    d = os.path.join(ROOT, group, "stream-" + name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "case.json"), "w") as f:
        f.write(json.dumps(case, indent=1) + "\n")
    with open(os.path.join(d, "input.sse"), "wb") as f:
        f.write(sse.encode())

def cj(o): return json.dumps(o, separators=(",", ":"), ensure_ascii=False)

# ---------- openai-responses upstream
class R:
    """Builds a Responses event stream with increasing sequence numbers."""
    def __init__(self, rid="resp_U1", model="gpt-up"):
        self.seq = 0; self.out = []; self.rid = rid; self.model = model
    def ev(self, type_, **fields):
        o = {"type": type_, "sequence_number": self.seq}; o.update(fields); self.seq += 1
        self.out.append("event: " + type_ + "\ndata: " + cj(o) + "\n\n"); return self
    def resp(self, status, output=None, usage=None, **extra):
        r = {"id": self.rid, "object": "response", "created_at": 1700000000, "status": status, "model": self.model,
             "output": output or [], "usage": usage, "error": None, "incomplete_details": None}
        r.update(extra); return r
    def start(self):
        return self.ev("response.created", response=self.resp("in_progress")).ev("response.in_progress", response=self.resp("in_progress"))
    def message(self, i, mid, texts):
        self.ev("response.output_item.added", output_index=i, item={"id": mid, "type": "message", "status": "in_progress", "role": "assistant", "content": []})
        self.ev("response.content_part.added", item_id=mid, output_index=i, content_index=0, part={"type": "output_text", "text": "", "annotations": []})
        for t in texts:
            self.ev("response.output_text.delta", item_id=mid, output_index=i, content_index=0, delta=t, logprobs=[], obfuscation="xx")
        full = "".join(texts)
        self.ev("response.output_text.done", item_id=mid, output_index=i, content_index=0, text=full, logprobs=[])
        self.ev("response.content_part.done", item_id=mid, output_index=i, content_index=0, part={"type": "output_text", "text": full, "annotations": []})
        item = {"id": mid, "type": "message", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "text": full, "annotations": []}]}
        self.ev("response.output_item.done", output_index=i, item=item); return item
    def reasoning(self, i, rid, parts, enc):
        self.ev("response.output_item.added", output_index=i, item={"id": rid, "type": "reasoning", "summary": []})
        for s, chunks in enumerate(parts):
            self.ev("response.reasoning_summary_part.added", item_id=rid, output_index=i, summary_index=s, part={"type": "summary_text", "text": ""})
            for c in chunks:
                self.ev("response.reasoning_summary_text.delta", item_id=rid, output_index=i, summary_index=s, delta=c)
            self.ev("response.reasoning_summary_text.done", item_id=rid, output_index=i, summary_index=s, text="".join(chunks))
            self.ev("response.reasoning_summary_part.done", item_id=rid, output_index=i, summary_index=s, part={"type": "summary_text", "text": "".join(chunks)})
        item = {"id": rid, "type": "reasoning", "summary": [{"type": "summary_text", "text": "".join(c)} for c in parts], "encrypted_content": enc}
        self.ev("response.output_item.done", output_index=i, item=item); return item
    def call(self, i, fid, cid, name, chunks, deltas=True):
        self.ev("response.output_item.added", output_index=i, item={"id": fid, "type": "function_call", "status": "in_progress", "call_id": cid, "name": name, "arguments": ""})
        if deltas:
            for c in chunks:
                self.ev("response.function_call_arguments.delta", item_id=fid, output_index=i, delta=c)
        args = "".join(chunks)
        self.ev("response.function_call_arguments.done", item_id=fid, output_index=i, arguments=args)
        item = {"id": fid, "type": "function_call", "status": "completed", "call_id": cid, "name": name, "arguments": args}
        self.ev("response.output_item.done", output_index=i, item=item); return item
    def text(self): return "".join(self.out)

def RU(i, o, cached=0, reasoning=0):
    return {"input_tokens": i, "input_tokens_details": {"cached_tokens": cached}, "output_tokens": o,
            "output_tokens_details": {"reasoning_tokens": reasoning}, "total_tokens": i + o}

R2A = "openai-responses-anthropic"
R2C = "openai-responses-openai-chat"
EXA = {"client_model": "claude-sonnet-5-5", "upstream_model": "gpt-up", "input_tokens": 120}
EXC = {"client_model": "gpt-client", "upstream_model": "gpt-up", "input_tokens": 120, "include_usage": True}
ra = {"from": "openai-responses", "to": "anthropic", "exchange": EXA}
rc = {"from": "openai-responses", "to": "openai-chat", "exchange": EXC, "created": 1700000001}

def text_stream():
    s = R().start(); m = s.message(0, "msg_1", ["Hello", ", wörld \"quoted\"\n"])
    s.ev("response.completed", response=s.resp("completed", [m], RU(50, 7, cached=30))); return s.text()
w(R2A, "text", ra, text_stream())
w(R2C, "text", rc, text_stream())

def reasoning_tool_stream():
    s = R().start()
    r = s.reasoning(0, "rs_1", [["Need ", "weather."], ["Then answer."]], "gAAAAenc==")
    c = s.call(1, "fc_1", "call_1", "get_weather", ["{\"city\":", " \"Paris\"}"])
    s.ev("response.completed", response=s.resp("completed", [r, c], RU(400, 90, reasoning=60))); return s.text()
w(R2A, "reasoning-tool", ra, reasoning_tool_stream())
w(R2C, "reasoning-tool", rc, reasoning_tool_stream())

s = R().start(); c1 = s.call(0, "fc_1", "call_1", "a", ["{\"x\":1}"], deltas=False); c2 = s.call(1, "fc_2", "call_2", "b", ["{}"], deltas=False)
s.ev("response.completed", response=s.resp("completed", [c1, c2], RU(10, 5)))
w(R2A, "arguments-only-in-done", ra, s.text())

s = R().start(); m = s.message(0, "msg_1", ["Cut"])
s.ev("response.incomplete", response=s.resp("incomplete", [m], RU(10, 16), incomplete_details={"reason": "max_output_tokens"}))
w(R2A, "incomplete-max-tokens", ra, s.text())
w(R2C, "incomplete-max-tokens", rc, s.text())

s = R().start(); s.ev("response.output_item.added", output_index=0, item={"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []})
s.ev("response.content_part.added", item_id="msg_1", output_index=0, content_index=0, part={"type": "output_text", "text": "", "annotations": []})
s.ev("response.output_text.delta", item_id="msg_1", output_index=0, content_index=0, delta="Par", logprobs=[])
s.ev("error", code="server_error", message="The server had an error", param=None)
s.ev("response.failed", response=s.resp("failed", error={"code": "server_error", "message": "The server had an error"}))
w(R2A, "error-then-failed", ra, s.text())
w(R2C, "error-then-failed", rc, s.text())

s = R().start()
s.ev("response.failed", response=s.resp("failed", error={"code": "rate_limit_exceeded", "message": "Slow down"}))
w(R2A, "failed", ra, s.text())

s = R().start()
s.ev("response.output_item.added", output_index=0, item={"id": "ws_1", "type": "web_search_call", "status": "in_progress"})
s.ev("response.web_search_call.searching", item_id="ws_1", output_index=0)
s.ev("response.output_item.done", output_index=0, item={"id": "ws_1", "type": "web_search_call", "status": "completed"})
m = s.message(1, "msg_1", ["Found it."])
s.ev("response.completed", response=s.resp("completed", [m], RU(10, 3)))
w(R2A, "builtin-item-dropped", dict(ra, warnings=["web_search_call"]), s.text())

long = "mcp__server.example/tool"
EXL = dict(EXA, tool_names=[long])
s = R().start(); c = s.call(0, "fc_9", "call_9", "mcp__server_example_tool_e25c3e45", ["{}"])
s.ev("response.completed", response=s.resp("completed", [c], RU(10, 3)))
w(R2A, "tool-name-restored", {"from": "openai-responses", "to": "anthropic", "exchange": EXL}, s.text())

# ---------- anthropic upstream -> openai-responses client
def A(type_, **o):
    o = dict({"type": type_}, **o); return "event: " + type_ + "\ndata: " + cj(o) + "\n\n"
def mstart(usage={"input_tokens": 20, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 0, "output_tokens": 1}):
    return A("message_start", message={"id": "msg_A1", "type": "message", "role": "assistant", "content": [], "model": "claude-up",
                                       "stop_reason": None, "stop_sequence": None, "usage": usage})
A2R = "anthropic-openai-responses"
EXR = {"client_model": "gpt-client", "upstream_model": "claude-up", "input_tokens": 120}
ar = {"from": "anthropic", "to": "openai-responses", "exchange": EXR, "created": 1700000001}

w(A2R, "text", ar, mstart() + A("ping") +
  A("content_block_start", index=0, content_block={"type": "text", "text": ""}) +
  A("content_block_delta", index=0, delta={"type": "text_delta", "text": "Hello"}) +
  A("content_block_delta", index=0, delta={"type": "text_delta", "text": " \"wörld\"\n"}) +
  A("content_block_stop", index=0) +
  A("message_delta", delta={"stop_reason": "end_turn", "stop_sequence": None}, usage={"output_tokens": 9}) + A("message_stop"))

w(A2R, "thinking-text-tool", ar, mstart() +
  A("content_block_start", index=0, content_block={"type": "thinking", "thinking": "", "signature": ""}) +
  A("content_block_delta", index=0, delta={"type": "thinking_delta", "thinking": "Need weather…"}) +
  A("content_block_delta", index=0, delta={"type": "signature_delta", "signature": "EqQBsig/+="}) +
  A("content_block_stop", index=0) +
  A("content_block_start", index=1, content_block={"type": "text", "text": ""}) +
  A("content_block_delta", index=1, delta={"type": "text_delta", "text": "Checking."}) +
  A("content_block_stop", index=1) +
  A("content_block_start", index=2, content_block={"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {}}) +
  A("content_block_delta", index=2, delta={"type": "input_json_delta", "partial_json": "{\"city\": \"Pa"}) +
  A("content_block_delta", index=2, delta={"type": "input_json_delta", "partial_json": "ris\"}"}) +
  A("content_block_stop", index=2) +
  A("content_block_start", index=3, content_block={"type": "tool_use", "id": "toolu_01B", "name": "get_time", "input": {}}) +
  A("content_block_stop", index=3) +
  A("message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None}, usage={"output_tokens": 87}) + A("message_stop"))

w(A2R, "max-tokens", ar, mstart() +
  A("content_block_start", index=0, content_block={"type": "text", "text": ""}) +
  A("content_block_delta", index=0, delta={"type": "text_delta", "text": "Trunc"}) +
  A("content_block_stop", index=0) +
  A("message_delta", delta={"stop_reason": "max_tokens", "stop_sequence": None}, usage={"output_tokens": 5}) + A("message_stop"))

w(A2R, "error-mid-stream", ar, mstart() +
  A("content_block_start", index=0, content_block={"type": "text", "text": ""}) +
  A("content_block_delta", index=0, delta={"type": "text_delta", "text": "Hal"}) +
  A("error", error={"type": "overloaded_error", "message": "Overloaded"}))

w(A2R, "error-before-start", ar, A("error", error={"type": "overloaded_error", "message": "Overloaded"}))

# ---------- openai-chat upstream -> openai-responses client
def chunk(delta=None, finish=None, usage=None, choices=True):
    o = {"id": "chatcmpl-C1", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-up"}
    o["choices"] = [{"index": 0, "delta": delta if delta is not None else {}, "finish_reason": finish}] if choices else []
    if usage is not None: o["usage"] = usage
    return "data: " + cj(o) + "\n\n"
C2R = "openai-chat-openai-responses"
cr = {"from": "openai-chat", "to": "openai-responses", "exchange": EXR, "created": 1700000001}
w(C2R, "reasoning-text-tools", cr, chunk({"role": "assistant", "content": ""}) +
  chunk({"reasoning_content": "Think"}) + chunk({"content": "Sure."}) +
  chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}]}) +
  chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"a\":"}}]}) +
  chunk({"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]}) +
  chunk({"tool_calls": [{"index": 1, "id": "call_2", "type": "function", "function": {"name": "g", "arguments": "{}"}}]}) +
  chunk({}, "tool_calls") +
  chunk(usage={"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70, "prompt_tokens_details": {"cached_tokens": 10}, "completion_tokens_details": {"reasoning_tokens": 4}}, choices=False) +
  "data: [DONE]\n\n")
w(C2R, "text-length", cr, chunk({"role": "assistant", "content": ""}) + chunk({"content": "abc"}) + chunk({}, "length") + "data: [DONE]\n\n")
