"""End-to-end check of the one-shot codecs with the real Claude Code CLI (no stream translator).

Claude Code -> this proxy (libapxlate: anthropic -> openai-chat) -> a strict fake Chat upstream
(in-process: DeepSeek-like rules, Ollama-style finish_reason "stop" next to tool calls, a
`call_x|y` id) -> libapxlate (openai-chat -> anthropic) -> an SSE stream synthesized in Python from
the translated message -> Claude Code. Warnings and translated messages go to stderr.

    make lib
    python3 Tests/e2e/a2c_claude_code_oneshot.py 8392 build/lib/libapxlate.so &
    env HOME=$(mktemp -d) ANTHROPIC_BASE_URL=http://127.0.0.1:8392 ANTHROPIC_API_KEY=any \
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 \
        DISABLE_AUTOUPDATER=1 $CLAUDE -p "run: echo hi" --allowedTools Bash --output-format json
    # expect "result": "Done: the tool said 'hi-from-e2e'", "num_turns": 2, cache_read_input_tokens > 0
"""
import ctypes, json, sys, http.server, itertools, re
lib = ctypes.CDLL(sys.argv[2] if len(sys.argv) > 2 else "build/lib/libapxlate.so")
class Err(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int32), ("offset", ctypes.c_int64), ("message", ctypes.c_char * 512), ("path", ctypes.c_char * 256)]
class Out(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_uint8)), ("len", ctypes.c_size_t), ("warnings", ctypes.c_char_p), ("warnings_len", ctypes.c_size_t), ("http_status", ctypes.c_int32)]
tr = ctypes.c_void_p()
cfg = json.dumps({"upstream": {"reasoning_effort": True}}).encode()
e = Err()
assert lib.apx_translator_new(cfg, len(cfg), ctypes.byref(tr), ctypes.byref(e)) == 0, e.message
LOG = sys.stderr
def out_bytes(o):
    b = ctypes.string_at(o.data, o.len); w = o.warnings.decode() if o.warnings else ""
    lib.apx_output_free(ctypes.byref(o)); return b, w

state = {"n": 0}
def fake_chat(req):
    """A strict OpenAI-compatible upstream (DeepSeek-like rules)."""
    msgs = req["messages"]
    names = {t["function"]["name"] for t in req.get("tools", [])}
    for n in names: assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", n), n
    pending = set()
    for i, m in enumerate(msgs):
        if m["role"] == "assistant":
            assert not pending, f"unanswered tool calls {pending} before messages[{i}]"
            for c in m.get("tool_calls", []):
                json.loads(c["function"]["arguments"]); pending.add(c["id"])
                assert c["function"]["name"] in names
                assert "reasoning_content" in m, "DeepSeek: a tool-call turn needs reasoning_content"
        elif m["role"] == "tool":
            assert m["tool_call_id"] in pending, m; pending.discard(m["tool_call_id"])
        else:
            assert not pending, f"unanswered tool calls {pending} at messages[{i}]"
    assert "max_completion_tokens" in req
    state["n"] += 1
    last = msgs[-1]
    msg = {"role": "assistant"}
    if req.get("response_format"):
        msg["content"] = json.dumps({"title": "Echo test"}); finish = "stop"
    elif last["role"] == "user" and req.get("tools"):
        msg.update(content="I'll run it.", reasoning_content="User wants echo; use Bash.",
                   tool_calls=[{"id": "call_e2e|1", "type": "function", "function": {"name": "Bash", "arguments": json.dumps({"command": "echo hi-from-e2e", "description": "Echo"})}}])
        finish = "stop"  # Ollama-style: 'stop' next to tool calls
    else:
        msg.update(content=f"Done: the tool said {last['content']!r}", reasoning_content="It worked.")
        finish = "stop"
    return {"id": f"chatcmpl-{state['n']}", "object": "chat.completion", "created": 1, "model": req["model"],
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1200, "completion_tokens": 30, "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 10}}}

def sse(m):
    ev = [{"type": "message_start", "message": dict(m, content=[], stop_reason=None, usage=dict(m["usage"], output_tokens=0))}]
    for i, b in enumerate(m["content"]):
        if b["type"] == "text":
            ev += [{"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}},
                   {"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": b["text"]}}]
        elif b["type"] == "thinking":
            ev += [{"type": "content_block_start", "index": i, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
                   {"type": "content_block_delta", "index": i, "delta": {"type": "thinking_delta", "thinking": b["thinking"]}},
                   {"type": "content_block_delta", "index": i, "delta": {"type": "signature_delta", "signature": b["signature"]}}]
        elif b["type"] == "tool_use":
            ev += [{"type": "content_block_start", "index": i, "content_block": dict(b, input={})},
                   {"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": json.dumps(b["input"])}}]
        ev.append({"type": "content_block_stop", "index": i})
    ev += [{"type": "message_delta", "delta": {"stop_reason": m["stop_reason"], "stop_sequence": None}, "usage": {"output_tokens": m["usage"]["output_tokens"]}},
           {"type": "message_stop"}]
    return "".join(f"event: {x['type']}\ndata: {json.dumps(x)}\n\n" for x in ev).encode()

class H(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self): self.send_response(200); self.end_headers()
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        o = Out(); x = ctypes.c_void_p(); e = Err()
        rc = lib.apx_request_translate(tr, 1, 2, body, len(body), ctypes.byref(o), ctypes.byref(x), ctypes.byref(e))
        if rc != 0:
            LOG.write(f"REQ ERROR {e.message} {e.path}\n"); LOG.flush()
            self.send_response(400); self.end_headers(); return
        chat, warn = out_bytes(o)
        LOG.write(f"--- request {self.path} {len(body)}B -> {len(chat)}B\nwarnings: {warn}\n"); LOG.flush()
        try:
            upstream = json.dumps(fake_chat(json.loads(chat))).encode()
        except AssertionError as a:
            LOG.write(f"UPSTREAM REJECTED: {a}\n{chat[:3000]!r}\n"); LOG.flush()
            self.send_response(400); self.end_headers(); return
        o = Out()
        rc = lib.apx_response_translate(tr, x, 0, 0, upstream, len(upstream), ctypes.byref(o), ctypes.byref(e))
        lib.apx_exchange_free(x)
        if rc != 0:
            LOG.write(f"RESP ERROR {e.message} {e.path}\n"); LOG.flush(); self.send_response(500); self.end_headers(); return
        msg, warn = out_bytes(o)
        LOG.write(f"response: {msg.decode()}\nwarnings: {warn}\n"); LOG.flush()
        m = json.loads(msg)
        data = sse(m) if json.loads(body).get("stream") else msg
        self.send_response(200)
        self.send_header("content-type", "text/event-stream" if json.loads(body).get("stream") else "application/json")
        self.send_header("content-length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
