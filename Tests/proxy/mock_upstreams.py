"""Mock upstreams for the proxy tests: an OpenAI-compatible one (Chat Completions and Responses)
and an Anthropic one. Each binds 127.0.0.1 on a free port, records every request, and answers
from a queue of scripted replies (or a default text answer in its own format)."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Reply:
    """A scripted reply. `events` (a list of (event_name_or_None, data_str)) makes an SSE
    stream; `body` a plain one. `delay` waits before the head; `gap` between events;
    `hang` keeps the stream open after the events (for disconnect tests)."""

    def __init__(self, status=200, body=None, events=None, headers=None, delay=0.0, gap=0.0,
                 hang=0.0, cut=False):
        self.status = status
        self.body = body
        self.events = events
        self.headers = headers or {}
        self.delay = delay
        self.gap = gap
        self.hang = hang
        self.cut = cut  # close the connection mid-stream without finishing


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


class MockUpstream:
    kind = "base"

    def __init__(self):
        self.requests = []
        self.replies = []
        self.lock = threading.Lock()
        self.disconnects = 0  # streams the client (the proxy) abandoned
        self.streams_completed = 0  # SSE replies written to the end
        self.stream_writes_after_disconnect = 0
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                rec = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with mock.lock:
                    mock.requests.append(rec)
                    reply = mock.replies.pop(0) if mock.replies else None
                if reply is None:
                    reply = mock.default_reply(rec)
                if callable(reply):
                    reply = reply(rec)
                mock.send(self, reply)

            def do_GET(self):
                mock.send(self, Reply(404, body={"error": {"message": "not found"}}))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def queue(self, *replies):
        with self.lock:
            self.replies.extend(replies)

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.replies.clear()
            self.disconnects = 0
            self.streams_completed = 0

    def send(self, h, reply):
        if reply.delay:
            time.sleep(reply.delay)
        try:
            h.send_response(reply.status)
            for k, v in reply.headers.items():
                h.send_header(k, v)
            if reply.events is not None:
                h.send_header("content-type", "text/event-stream")
                h.send_header("transfer-encoding", "chunked")
                h.end_headers()
                for name, data in reply.events:
                    chunk = (f"event: {name}\n" if name else "") + f"data: {data}\n\n"
                    raw = chunk.encode()
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(raw), raw))
                    h.wfile.flush()
                    if reply.gap:
                        time.sleep(reply.gap)
                if reply.cut:
                    h.close_connection = True
                    h.wfile.flush()
                    h.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.hang:
                    end = time.time() + reply.hang
                    while time.time() < end:  # keep-alive comments until the client leaves
                        h.wfile.write(b"3\r\n:\n\n\r\n")
                        h.wfile.flush()
                        time.sleep(0.05)
                h.wfile.write(b"0\r\n\r\n")
                h.wfile.flush()
                with self.lock:
                    self.streams_completed += 1
            else:
                body = reply.body
                if not isinstance(body, (bytes, str)):
                    body = json.dumps(body)
                if isinstance(body, str):
                    body = body.encode()
                h.send_header("content-type", "application/json")
                h.send_header("content-length", str(len(body)))
                h.end_headers()
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            with self.lock:
                self.disconnects += 1


# ---- OpenAI-compatible ----------------------------------------------------------------------

def chat_completion(text="Hello from mock OpenAI", tool_calls=None, reasoning=None, model="gpt-mock",
                    prompt_tokens=11, completion_tokens=7):
    msg = {"role": "assistant", "content": text}
    if tool_calls:
        msg["tool_calls"] = [
            {"id": tc["id"], "type": "function",
             "function": {"name": tc["name"], "arguments": json.dumps(tc["arguments"])}}
            for tc in tool_calls]
    if reasoning:
        msg["reasoning_content"] = reasoning
    return {
        "id": "chatcmpl-mock", "object": "chat.completion", "created": 1700000000, "model": model,
        "choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls" if tool_calls else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def chat_stream_events(text="Hello from mock OpenAI", tool_calls=None, reasoning=None, model="gpt-mock",
                       prompt_tokens=11, completion_tokens=7):
    base = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1700000000, "model": model}

    def chunk(delta, finish=None, usage=None):
        c = dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": finish}])
        if usage is not None:
            c["choices"] = []
            c["usage"] = usage
        return (None, json.dumps(c))

    ev = [chunk({"role": "assistant", "content": ""})]
    if reasoning:
        for part in (reasoning[: len(reasoning) // 2], reasoning[len(reasoning) // 2:]):
            ev.append(chunk({"reasoning_content": part}))
    if text:
        for i in range(0, len(text), 5):
            ev.append(chunk({"content": text[i:i + 5]}))
    for idx, tc in enumerate(tool_calls or []):
        args = json.dumps(tc["arguments"])
        ev.append(chunk({"tool_calls": [{"index": idx, "id": tc["id"], "type": "function",
                                         "function": {"name": tc["name"], "arguments": ""}}]}))
        for i in range(0, len(args), 7):
            ev.append(chunk({"tool_calls": [{"index": idx, "function": {"arguments": args[i:i + 7]}}]}))
    ev.append(chunk({}, finish="tool_calls" if tool_calls else "stop"))
    ev.append(chunk(None, usage={"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                 "total_tokens": prompt_tokens + completion_tokens}))
    ev.append((None, "[DONE]"))
    return ev


class MockOpenAI(MockUpstream):
    kind = "openai"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def default_reply(self, rec):
        stream = bool(rec.json and rec.json.get("stream"))
        if rec.path.endswith("/responses"):
            return Reply(404, body={"error": {"message": "responses not mocked by default"}})
        if stream:
            return Reply(events=chat_stream_events())
        return Reply(body=chat_completion())


# ---- Anthropic ------------------------------------------------------------------------------

def anthropic_message(text="Hello from mock Anthropic", tool_uses=None, thinking=None, model="claude-mock",
                      input_tokens=13, output_tokens=9):
    content = []
    if thinking:
        content.append({"type": "thinking", "thinking": thinking, "signature": "sig-mock"})
    if text:
        content.append({"type": "text", "text": text})
    for tu in tool_uses or []:
        content.append({"type": "tool_use", "id": tu["id"], "name": tu["name"], "input": tu["input"]})
    return {
        "id": "msg_mock", "type": "message", "role": "assistant", "model": model, "content": content,
        "stop_reason": "tool_use" if tool_uses else "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def anthropic_stream_events(text="Hello from mock Anthropic", tool_uses=None, thinking=None, model="claude-mock",
                            input_tokens=13, output_tokens=9):
    ev = [("message_start", json.dumps({"type": "message_start", "message": {
        "id": "msg_mock", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": 1}}}))]
    idx = 0
    if thinking:
        ev.append(("content_block_start", json.dumps({"type": "content_block_start", "index": idx,
                                                      "content_block": {"type": "thinking", "thinking": "", "signature": ""}})))
        ev.append(("content_block_delta", json.dumps({"type": "content_block_delta", "index": idx,
                                                      "delta": {"type": "thinking_delta", "thinking": thinking}})))
        ev.append(("content_block_delta", json.dumps({"type": "content_block_delta", "index": idx,
                                                      "delta": {"type": "signature_delta", "signature": "sig-mock"}})))
        ev.append(("content_block_stop", json.dumps({"type": "content_block_stop", "index": idx})))
        idx += 1
    if text:
        ev.append(("content_block_start", json.dumps({"type": "content_block_start", "index": idx,
                                                      "content_block": {"type": "text", "text": ""}})))
        for i in range(0, len(text), 5):
            ev.append(("content_block_delta", json.dumps({"type": "content_block_delta", "index": idx,
                                                          "delta": {"type": "text_delta", "text": text[i:i + 5]}})))
        ev.append(("content_block_stop", json.dumps({"type": "content_block_stop", "index": idx})))
        idx += 1
    for tu in tool_uses or []:
        ev.append(("content_block_start", json.dumps({"type": "content_block_start", "index": idx,
                                                      "content_block": {"type": "tool_use", "id": tu["id"], "name": tu["name"], "input": {}}})))
        args = json.dumps(tu["input"])
        for i in range(0, len(args), 6):
            ev.append(("content_block_delta", json.dumps({"type": "content_block_delta", "index": idx,
                                                          "delta": {"type": "input_json_delta", "partial_json": args[i:i + 6]}})))
        ev.append(("content_block_stop", json.dumps({"type": "content_block_stop", "index": idx})))
        idx += 1
    ev.append(("message_delta", json.dumps({"type": "message_delta",
                                            "delta": {"stop_reason": "tool_use" if tool_uses else "end_turn", "stop_sequence": None},
                                            "usage": {"output_tokens": output_tokens}})))
    ev.append(("message_stop", json.dumps({"type": "message_stop"})))
    return ev


class MockAnthropic(MockUpstream):
    kind = "anthropic"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def default_reply(self, rec):
        if rec.json and rec.json.get("stream"):
            return Reply(events=anthropic_stream_events())
        return Reply(body=anthropic_message())


# ---- OpenAI Responses -----------------------------------------------------------------------

def _responses_output(text, function_calls, reasoning, done=True):
    """The output items in upstream order: reasoning, message, function calls. `done=False` gives
    the partial shapes `response.output_item.added` carries."""
    items = []
    if reasoning:
        item = {"type": "reasoning", "id": reasoning["id"],
                "summary": [{"type": "summary_text", "text": s} for s in reasoning["summary"]] if done else []}
        if "encrypted_content" in reasoning:
            item["encrypted_content"] = reasoning["encrypted_content"]
        items.append(item)
    if text:
        items.append({"type": "message", "id": "msg_resp_mock", "role": "assistant",
                      "status": "completed" if done else "in_progress",
                      "content": [{"type": "output_text", "text": text, "annotations": []}] if done else []})
    for fc in function_calls or []:
        items.append({"type": "function_call", "id": fc["id"], "call_id": fc["call_id"], "name": fc["name"],
                      "arguments": json.dumps(fc["arguments"]) if done else "",
                      "status": "completed" if done else "in_progress"})
    return items


def responses_object(text="Hello from mock Responses", function_calls=None, reasoning=None, model="gpt-resp-mock",
                     input_tokens=17, output_tokens=8, reasoning_tokens=0, cached_tokens=0, status="completed"):
    """A Responses API object (docs/wire-formats.md §3.3). `function_calls`: [{id: "fc_…", call_id, name,
    arguments: dict}]; `reasoning`: {id: "rs_…", summary: [str], encrypted_content?}."""
    return {
        "id": "resp_mock", "object": "response", "created_at": 1700000000, "status": status,
        "model": model, "error": None, "incomplete_details": None,
        "output": _responses_output(text, function_calls, reasoning) if status != "in_progress" else [],
        "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "store": False,
        "usage": None if status == "in_progress" else {
            "input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": cached_tokens},
            "output_tokens": output_tokens, "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "total_tokens": input_tokens + output_tokens},
    }


def responses_stream_events(text="Hello from mock Responses", function_calls=None, reasoning=None,
                            model="gpt-resp-mock", input_tokens=17, output_tokens=8, reasoning_tokens=0):
    """The SSE events of a Responses stream (docs/wire-formats.md §3.4): response.created,
    response.in_progress, the output items piece by piece, response.completed; every payload
    carries `type` and a `sequence_number` counting from 0; no [DONE]."""
    ev = []

    def emit(kind, **fields):
        ev.append((kind, json.dumps(dict(type=kind, sequence_number=len(ev), **fields))))

    start = responses_object(model=model, status="in_progress")
    emit("response.created", response=start)
    emit("response.in_progress", response=start)
    added = _responses_output(text, function_calls, reasoning, done=False)
    done = _responses_output(text, function_calls, reasoning, done=True)
    for idx, (partial, full) in enumerate(zip(added, done)):
        emit("response.output_item.added", output_index=idx, item=partial)
        item_id = full["id"]
        if full["type"] == "reasoning":
            for si, s in enumerate(reasoning["summary"]):
                part = {"type": "summary_text", "text": ""}
                emit("response.reasoning_summary_part.added", item_id=item_id, output_index=idx, summary_index=si, part=part)
                for i in range(0, len(s), 6):
                    emit("response.reasoning_summary_text.delta", item_id=item_id, output_index=idx,
                         summary_index=si, delta=s[i:i + 6])
                emit("response.reasoning_summary_text.done", item_id=item_id, output_index=idx, summary_index=si, text=s)
                emit("response.reasoning_summary_part.done", item_id=item_id, output_index=idx, summary_index=si,
                     part={"type": "summary_text", "text": s})
        elif full["type"] == "message":
            emit("response.content_part.added", item_id=item_id, output_index=idx, content_index=0,
                 part={"type": "output_text", "text": "", "annotations": []})
            for i in range(0, len(text), 5):
                emit("response.output_text.delta", item_id=item_id, output_index=idx, content_index=0,
                     delta=text[i:i + 5], logprobs=[])
            emit("response.output_text.done", item_id=item_id, output_index=idx, content_index=0, text=text, logprobs=[])
            emit("response.content_part.done", item_id=item_id, output_index=idx, content_index=0,
                 part=full["content"][0])
        else:
            for i in range(0, len(full["arguments"]), 7):
                emit("response.function_call_arguments.delta", item_id=item_id, output_index=idx,
                     delta=full["arguments"][i:i + 7])
            emit("response.function_call_arguments.done", item_id=item_id, output_index=idx, arguments=full["arguments"])
        emit("response.output_item.done", output_index=idx, item=full)
    emit("response.completed", response=responses_object(
        text=text, function_calls=function_calls, reasoning=reasoning, model=model,
        input_tokens=input_tokens, output_tokens=output_tokens, reasoning_tokens=reasoning_tokens))
    return ev


class MockResponses(MockUpstream):
    """An OpenAI Responses upstream (`POST /v1/responses`); anything else is a 404."""
    kind = "openai-responses"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def default_reply(self, rec):
        if not rec.path.endswith("/responses"):
            return Reply(404, body={"error": {"message": f"no route {rec.path}", "type": "invalid_request_error"}})
        if rec.json and rec.json.get("stream"):
            return Reply(events=responses_stream_events())
        return Reply(body=responses_object())
