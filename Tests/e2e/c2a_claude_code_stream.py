"""End-to-end check of the STREAM translator with the real Claude Code CLI.

Claude Code -> this proxy: the request is translated (anthropic -> openai-chat) to get the
exchange; a fake Chat upstream streams an answer (reasoning, text, a Bash tool call whose id, name
and arguments arrive in separate chunks, finish_reason before the usage chunk); libapxlate
translates that SSE (openai-chat -> anthropic), fed in 7-byte pieces, and the proxy sends it on.
Claude Code silently re-sends a request with stream:false when it dislikes a stream, so any
non-streaming request is reported as a FAILURE on stderr.

    make lib
    python3 Tests/e2e/c2a_claude_code_stream.py 8393 &
    env HOME=$(mktemp -d) ANTHROPIC_BASE_URL=http://127.0.0.1:8393 ANTHROPIC_API_KEY=any \
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 \
        DISABLE_AUTOUPDATER=1 $CLAUDE -p "run: echo hi" --allowedTools Bash --output-format json
    # expect "result" containing hi-from-stream, "num_turns": 2, no FAILURE lines from the proxy
"""
import http.server
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("APXLATE_LIBRARY", os.path.join(ROOT, "build", "lib", "libapxlate.so"))
import apxlate  # noqa: E402

T = apxlate.Translator({"models": {"default": "fake-chat-model"}})
LOG = sys.stderr


def chunk(delta=None, finish=None, usage=None, empty=False):
    o = {"id": "chatcmpl-e2e", "object": "chat.completion.chunk", "created": 1700000000, "model": "fake-chat-model",
         "choices": [] if empty else [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    if usage:
        o["usage"] = usage
    return b"data: " + json.dumps(o).encode() + b"\n\n"


def fake_upstream(chat_request):
    """A Chat stream: a tool call first, then (once the tool result is back) a final answer."""
    tool_names = [t["function"]["name"] for t in chat_request.get("tools", [])]
    results = [m for m in chat_request["messages"] if m["role"] == "tool"]
    usage = {"prompt_tokens": 1200, "completion_tokens": 40, "total_tokens": 1240, "prompt_tokens_details": {"cached_tokens": 1000}}
    head = chunk({"role": "assistant", "content": ""}) + b": keep-alive\n\n"
    if not results:
        bash = next((n for n in tool_names if n == "Bash"), None)
        assert bash, f"no Bash tool among {tool_names}"
        return (head + chunk({"reasoning_content": "The user wants a shell command."}) +
                chunk({"content": "Running it."}) +
                chunk({"tool_calls": [{"index": 0, "id": "call_e2e|1", "type": "function"}]}) +
                chunk({"tool_calls": [{"index": 0, "function": {"name": bash}}]}) +
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"command\": \"echo hi-"}}]}) +
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": "from-stream\", \"description\": \"echo\"}"}}]}) +
                chunk({}, "tool_calls") + chunk(usage=usage, empty=True) + b"data: [DONE]\n\n")
    said = results[-1]["content"] if isinstance(results[-1]["content"], str) else json.dumps(results[-1]["content"])
    return (head + chunk({"content": "Done: the tool said "}) + chunk({"content": json.dumps(said.strip())}) +
            chunk({}, "stop") + chunk(usage=usage, empty=True) + b"data: [DONE]\n\n")


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
            LOG.write("FAILURE: Claude Code sent a non-streaming request (it rejected the previous stream)\n")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        chat_body, exchange = T.translate_request(body, "anthropic", "openai-chat")
        upstream = fake_upstream(json.loads(chat_body))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = []
        with T.stream(exchange) as s:
            for i in range(0, len(upstream), 7):
                self._chunk(s.feed(upstream[i:i + 7]), sent)
            self._chunk(s.finish(), sent)
            if s.warnings:
                LOG.write("stream warnings: %s\n" % s.warnings)
        self.wfile.write(b"0\r\n\r\n")
        LOG.write("sent:\n" + b"".join(sent).decode() + "\n")

    def _chunk(self, data, sent):
        if data:
            sent.append(data)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8393
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
