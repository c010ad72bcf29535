"""A cheap OpenAI-compatible upstream for the load test: asyncio, raw HTTP/1.1 with keep-alive,
every POST /v1/chat/completions answered with the same canned Chat Completions stream, one event
every `--gap` seconds. Control endpoints (for the load driver):
  POST /control/hold     new streams stop after their first event until released
  POST /control/release  held streams go on
  GET  /control/stats    {"open": streams open now, "max_open": most at once, "completed": n}
A request whose body contains "soak-fast" is streamed without the gaps.
"""
import argparse
import asyncio
import json
import sys

ANSWER_WORDS = ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog. ", "Again. "]


def sse(obj):
    data = b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj, separators=(",", ":")).encode()) + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(data), data)


def canned(events):
    """The chunked-encoded pieces of one stream: first, middle (one per content event), last."""
    base = {"id": "chatcmpl-load", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-load"}

    def chunk(delta, finish=None):
        return dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": finish}])

    first = sse(chunk({"role": "assistant", "content": ""}))
    middle = [sse(chunk({"content": ANSWER_WORDS[i % len(ANSWER_WORDS)]})) for i in range(events)]
    last = (sse(chunk({}, "stop"))
            + sse(dict(base, choices=[], usage={"prompt_tokens": 12, "completion_tokens": events, "total_tokens": 12 + events}))
            + sse(b"[DONE]") + b"0\r\n\r\n")
    return first, middle, last


def expected_text(events):
    return "".join(ANSWER_WORDS[i % len(ANSWER_WORDS)] for i in range(events))


HEAD = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"transfer-encoding: chunked\r\n\r\n")


class Upstream:
    def __init__(self, events, gap):
        self.first, self.middle, self.last = canned(events)
        self.gap = gap
        self.released = asyncio.Event()
        self.released.set()
        self.open = 0
        self.max_open = 0
        self.completed = 0

    def small(self, status, obj):
        body = json.dumps(obj).encode()
        return b"HTTP/1.1 %d X\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (status, len(body), body)

    async def serve(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, _, rest = head.partition(b"\r\n")
                method, path, _ = line.split(b" ", 2)
                length = 0
                for h in rest.split(b"\r\n"):
                    k, _, v = h.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                body = await reader.readexactly(length) if length else b""
                if path == b"/control/hold":
                    self.released.clear()
                    self.max_open = self.open
                    writer.write(self.small(200, {"ok": True}))
                elif path == b"/control/release":
                    self.released.set()
                    writer.write(self.small(200, {"ok": True}))
                elif path == b"/control/stats":
                    writer.write(self.small(200, {"open": self.open, "max_open": self.max_open, "completed": self.completed}))
                elif method == b"POST" and path.endswith(b"/chat/completions"):
                    await self.stream(writer, 0 if b"soak-fast" in body else self.gap)
                else:
                    writer.write(self.small(404, {"error": {"message": "not here"}}))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def stream(self, writer, gap):
        self.open += 1
        self.max_open = max(self.max_open, self.open)
        try:
            writer.write(HEAD + self.first)
            await writer.drain()
            if not self.released.is_set():
                await self.released.wait()
            for piece in self.middle:
                if gap:
                    await asyncio.sleep(gap)
                writer.write(piece)
                await writer.drain()
            writer.write(self.last)
            self.completed += 1
        finally:
            self.open -= 1


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--events", type=int, default=8)
    ap.add_argument("--gap", type=float, default=0.5)
    a = ap.parse_args()
    up = Upstream(a.events, a.gap)
    server = await asyncio.start_server(up.serve, "127.0.0.1", a.port, backlog=8192, limit=1 << 20)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
