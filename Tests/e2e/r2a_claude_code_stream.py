"""End-to-end: the real Claude Code CLI on a Responses upstream keeps its reasoning across a tool
turn.

Claude Code -> this proxy: the request is translated (anthropic -> openai-responses) and checked
(store:false, include reasoning.encrypted_content, flat tools); a fake Responses upstream streams
a reasoning item (with encrypted content), a message and a Bash function_call whose arguments
arrive in pieces; libapxlate translates that SSE (openai-responses -> anthropic), fed in 7-byte
pieces. On the second turn the upstream checks that the input replays the SAME reasoning item
(id, encrypted_content, summary) before the function_call, and answers. Any check that fails is
written as a FAILURE line on stderr (Claude Code re-sends a non-streaming request when it rejects
a stream: that is a FAILURE too).

    make lib
    python3 Tests/e2e/r2a_claude_code_stream.py 8394 2>proxy.log &
    env HOME=$(mktemp -d) ANTHROPIC_BASE_URL=http://127.0.0.1:8394 ANTHROPIC_API_KEY=any \
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 \
        DISABLE_AUTOUPDATER=1 $CLAUDE -p "run: echo hi" --allowedTools Bash --output-format json
    # expect "result" containing hi-from-responses, "num_turns": 2, "REASONING REPLAYED" and no
    # FAILURE lines in proxy.log
"""
import http.server
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("APXLATE_LIBRARY", os.path.join(ROOT, "build", "lib", "libapxlate.so"))
import apxlate  # noqa: E402

T = apxlate.Translator({"models": {"default": "fake-responses-model"}})
LOG = sys.stderr
ENCRYPTED = "gAAAAA-e2e-opaque-reasoning-state=="
SUMMARY = "The user wants a shell command run."


class Events:
    def __init__(self):
        self.seq = 0
        self.out = b""

    def ev(self, type_, **fields):
        o = {"type": type_, "sequence_number": self.seq}
        o.update(fields)
        self.seq += 1
        self.out += b"event: " + type_.encode() + b"\ndata: " + json.dumps(o).encode() + b"\n\n"


def fail(what):
    LOG.write("FAILURE: " + what + "\n")


def fake_upstream(req):
    if req.get("store") is not False or "reasoning.encrypted_content" not in req.get("include", []):
        fail("the request must say store:false and include reasoning.encrypted_content")
    tools = {t["name"]: t for t in req.get("tools", [])}
    if "Bash" not in tools or tools["Bash"].get("type") != "function" or "parameters" not in tools["Bash"]:
        fail("no flat Bash function tool in %s" % list(tools))
    items = req["input"]
    outputs = [i for i in items if i.get("type") == "function_call_output"]
    e = Events()
    resp = {"id": "resp_e2e", "object": "response", "created_at": 1700000000, "status": "in_progress",
            "model": "fake-responses-model", "output": [], "usage": None}
    e.ev("response.created", response=resp)
    e.ev("response.in_progress", response=resp)
    usage = {"input_tokens": 1200, "input_tokens_details": {"cached_tokens": 1000}, "output_tokens": 40,
             "output_tokens_details": {"reasoning_tokens": 12}, "total_tokens": 1240}
    if not outputs:
        e.ev("response.output_item.added", output_index=0, item={"id": "rs_e2e", "type": "reasoning", "summary": []})
        e.ev("response.reasoning_summary_part.added", item_id="rs_e2e", output_index=0, summary_index=0, part={"type": "summary_text", "text": ""})
        e.ev("response.reasoning_summary_text.delta", item_id="rs_e2e", output_index=0, summary_index=0, delta=SUMMARY)
        e.ev("response.reasoning_summary_text.done", item_id="rs_e2e", output_index=0, summary_index=0, text=SUMMARY)
        reasoning = {"id": "rs_e2e", "type": "reasoning", "summary": [{"type": "summary_text", "text": SUMMARY}], "encrypted_content": ENCRYPTED}
        e.ev("response.output_item.done", output_index=0, item=reasoning)
        e.ev("response.output_item.added", output_index=1, item={"id": "msg_e2e", "type": "message", "status": "in_progress", "role": "assistant", "content": []})
        e.ev("response.content_part.added", item_id="msg_e2e", output_index=1, content_index=0, part={"type": "output_text", "text": "", "annotations": []})
        e.ev("response.output_text.delta", item_id="msg_e2e", output_index=1, content_index=0, delta="Running it.", logprobs=[])
        e.ev("response.output_text.done", item_id="msg_e2e", output_index=1, content_index=0, text="Running it.", logprobs=[])
        e.ev("response.content_part.done", item_id="msg_e2e", output_index=1, content_index=0, part={"type": "output_text", "text": "Running it.", "annotations": []})
        e.ev("response.output_item.done", output_index=1, item={"id": "msg_e2e", "type": "message", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "text": "Running it.", "annotations": []}]})
        args = ["{\"command\": \"echo hi-", "from-responses\", \"description\": \"echo\"}"]
        e.ev("response.output_item.added", output_index=2, item={"id": "fc_e2e", "type": "function_call", "status": "in_progress", "call_id": "call_e2e", "name": "Bash", "arguments": ""})
        for a in args:
            e.ev("response.function_call_arguments.delta", item_id="fc_e2e", output_index=2, delta=a)
        e.ev("response.function_call_arguments.done", item_id="fc_e2e", output_index=2, arguments="".join(args))
        call = {"id": "fc_e2e", "type": "function_call", "status": "completed", "call_id": "call_e2e", "name": "Bash", "arguments": "".join(args)}
        e.ev("response.output_item.done", output_index=2, item=call)
        e.ev("response.completed", response=dict(resp, status="completed", output=[reasoning, call], usage=usage))
        return e.out
    # second turn: the reasoning item must come back intact, right before its function_call
    replayed = [i for i in items if i.get("type") == "reasoning"]
    want = {"type": "reasoning", "id": "rs_e2e", "summary": [{"type": "summary_text", "text": SUMMARY}], "encrypted_content": ENCRYPTED}
    if replayed != [want]:
        fail("reasoning item not replayed intact: %s" % json.dumps(replayed))
    else:
        k = items.index(want)
        nxt = items[k + 1:]
        if not any(i.get("type") == "function_call" and i.get("call_id") == "call_e2e" for i in nxt):
            fail("the replayed reasoning item is not followed by its function_call")
        else:
            LOG.write("REASONING REPLAYED\n")
    said = outputs[-1]["output"]
    said = said if isinstance(said, str) else json.dumps(said)
    text = "Done: the tool said " + json.dumps(said.strip())
    e.ev("response.output_item.added", output_index=0, item={"id": "msg_2", "type": "message", "status": "in_progress", "role": "assistant", "content": []})
    e.ev("response.output_text.delta", item_id="msg_2", output_index=0, content_index=0, delta=text, logprobs=[])
    item = {"id": "msg_2", "type": "message", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "text": text, "annotations": []}]}
    e.ev("response.output_item.done", output_index=0, item=item)
    e.ev("response.completed", response=dict(resp, status="completed", output=[item], usage=usage))
    return e.out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        LOG.write("proxy: " + fmt % args + "\n")

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.path.startswith("/v1/messages") or "count_tokens" in self.path:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        req = json.loads(body)
        if not req.get("stream"):
            fail("Claude Code sent a non-streaming request (it rejected the previous stream)")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream_body, exchange = T.translate_request(body, "anthropic", "openai-responses")
        upstream = fake_upstream(json.loads(upstream_body))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with T.stream(exchange) as s:
            for i in range(0, len(upstream), 7):
                self._chunk(s.feed(upstream[i:i + 7]))
            self._chunk(s.finish())
            if s.warnings:
                LOG.write("stream warnings: %s\n" % s.warnings)
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8394
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
