"""Writes the benchmark documents: a ~50 KB Anthropic request shaped like Claude Code's (system,
8 tools with schemas, a conversation with tool_use / tool_result) and the upstream's answers
(an OpenAI Chat response, an Anthropic response for the passthrough). Same shape as
bindings/go/bench_test.go's benchRequest."""
import json
import sys


def request(size=50 * 1024):
    tools = [{"name": f"tool_{i}", "description": f"Does thing {i} to files.",
              "input_schema": {"type": "object", "properties": {"path": {"type": "string", "description": "file path"},
                                                                 "n": {"type": "integer"}}, "required": ["path"]}}
             for i in range(8)]
    msgs = []
    i = 0
    while True:
        msgs.append({"role": "user", "content": [{"type": "text", "text": f"Please look at file number {i} and tell me what it does, in detail, with examples."}]})
        msgs.append({"role": "assistant", "content": [{"type": "text", "text": "Reading it."},
                                                       {"type": "tool_use", "id": f"toolu_{i:06d}", "name": "tool_1",
                                                        "input": {"path": f"src/file_{i}.go", "n": i}}]})
        msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{i:06d}",
                                                  "content": f"package main\nfunc main() {{ println({i}) }}\n"}]})
        i += 1
        body = {"model": "claude-sonnet-4-5", "max_tokens": 4096, "stream": False,
                "system": [{"type": "text", "text": "You are a coding agent."}], "tools": tools,
                "messages": msgs + [{"role": "user", "content": "Now summarise."}]}
        raw = json.dumps(body, separators=(",", ":"))
        if len(raw) >= size:
            return raw


OPENAI_RESPONSE = json.dumps({"id": "chatcmpl-b", "object": "chat.completion", "created": 1, "model": "gpt-4.1",
                              "choices": [{"index": 0, "message": {"role": "assistant", "content": "Summary: " + "all good. " * 40},
                                           "finish_reason": "stop"}],
                              "usage": {"prompt_tokens": 12000, "completion_tokens": 120, "total_tokens": 12120}},
                             separators=(",", ":"))
ANTHROPIC_RESPONSE = json.dumps({"id": "msg_b", "type": "message", "role": "assistant", "model": "gpt-4.1",
                                 "content": [{"type": "text", "text": "Summary: " + "all good. " * 40}],
                                 "stop_reason": "end_turn", "stop_sequence": None,
                                 "usage": {"input_tokens": 12000, "output_tokens": 120}}, separators=(",", ":"))

def openai_sse(n=500):
    out = []
    for i in range(n):
        out.append("data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4.1",
                                          "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}]},
                                         separators=(",", ":")) + "\n\n")
    out.append("data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4.1",
                                      "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                                      "usage": {"prompt_tokens": 10, "completion_tokens": 500, "total_tokens": 510}},
                                     separators=(",", ":")) + "\n\ndata: [DONE]\n\n")
    return "".join(out)


STREAM_REQUEST = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": True,
                             "messages": [{"role": "user", "content": "Write 500 words."}]})

if __name__ == "__main__":
    what = sys.argv[1]
    sys.stdout.write({"request": request, "openai": lambda: OPENAI_RESPONSE, "anthropic": lambda: ANTHROPIC_RESPONSE,
                      "sse": openai_sse, "stream-request": lambda: STREAM_REQUEST}[what]())
