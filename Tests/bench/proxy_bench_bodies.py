"""Writes the benchmark's files into a directory: ~50 KB Claude-Code-shaped request bodies
(Anthropic and Chat), the mock's answers (a chat completion and a Chat SSE stream), wrk scripts."""
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def schema(i):
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": False,
            "properties": {f"param_{j}": {"type": "string", "description": f"Parameter {j} of tool {i}. " + "Detail. " * 30}
                           for j in range(6)},
            "required": ["param_0"]}


tools = [{"name": f"Tool{i}", "description": f"Tool number {i}. " + "It does useful things. " * 40, "input_schema": schema(i)}
         for i in range(14)]
system = [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1; cc_entrypoint=cli;"},
          {"type": "text", "text": "You are Claude Code. " + "Follow the rules. " * 250, "cache_control": {"type": "ephemeral"}},
          {"type": "text", "text": "Environment: linux. " * 100, "cache_control": {"type": "ephemeral"}}]
messages = [{"role": "user", "content": [{"type": "text", "text": "Please fix the failing test in src/main.swift. " * 20}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Let me look."},
                                              {"type": "tool_use", "id": "toolu_01", "name": "Tool1", "input": {"param_0": "src/main.swift"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "line of code\n" * 150}]}]


def anthropic_body(model, stream):
    return {"model": model, "max_tokens": 32000, "stream": stream, "system": system, "messages": messages, "tools": tools,
            "metadata": {"user_id": json.dumps({"device": "d", "session": "s"})}}


def chat_body(model, stream):
    return {"model": model, "stream": stream, "max_completion_tokens": 32000,
            "messages": [{"role": "system", "content": "\n".join(b["text"] for b in system)},
                         {"role": "user", "content": messages[0]["content"][0]["text"]},
                         {"role": "assistant", "content": "Let me look.", "tool_calls": [
                             {"id": "call_01", "type": "function", "function": {"name": "Tool1", "arguments": "{\"param_0\":\"src/main.swift\"}"}}]},
                         {"role": "tool", "tool_call_id": "call_01", "content": "line of code\n" * 150}],
            "tools": [{"type": "function", "function": {"name": t["name"], "description": t["description"], "parameters": t["input_schema"]}}
                      for t in tools]}


bodies = {
    "chat-json.json": chat_body("bench-json", False),
    "chat-stream.json": chat_body("bench-stream", True),
    "anthropic-json.json": anthropic_body("bench-json-claude", False),
    "anthropic-stream.json": anthropic_body("bench-stream-claude", True),
}
for name, b in bodies.items():
    with open(os.path.join(out, name), "w") as f:
        json.dump(b, f)

completion = {"id": "chatcmpl-b", "object": "chat.completion", "created": 1, "model": "gpt-bench",
              "choices": [{"index": 0, "message": {"role": "assistant", "content": "I fixed the test. " * 20}, "finish_reason": "stop"}],
              "usage": {"prompt_tokens": 12000, "completion_tokens": 120, "total_tokens": 12120}}
os.makedirs(os.path.join(out, "www", "json", "v1"), exist_ok=True)
os.makedirs(os.path.join(out, "www", "stream", "v1"), exist_ok=True)
os.makedirs(os.path.join(out, "www", "json", "v1", "chat"), exist_ok=True)
os.makedirs(os.path.join(out, "www", "stream", "v1", "chat"), exist_ok=True)
with open(os.path.join(out, "www", "json", "v1", "chat", "completions"), "w") as f:
    json.dump(completion, f)
chunks = []
base = {"id": "chatcmpl-b", "object": "chat.completion.chunk", "created": 1, "model": "gpt-bench"}
chunks.append(dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))
for i in range(40):
    chunks.append(dict(base, choices=[{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}]))
chunks.append(dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
chunks.append(dict(base, choices=[], usage={"prompt_tokens": 12000, "completion_tokens": 40, "total_tokens": 12040}))
with open(os.path.join(out, "www", "stream", "v1", "chat", "completions"), "w") as f:
    for c in chunks:
        f.write("data: " + json.dumps(c) + "\n\n")
    f.write("data: [DONE]\n\n")

for name in bodies:
    lua = f"""wrk.method = "POST"
local f = io.open("{os.path.join(out, name)}", "rb")
wrk.body = f:read("*all")
f:close()
wrk.headers["content-type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
"""
    with open(os.path.join(out, name.replace(".json", ".lua")), "w") as f:
        f.write(lua)
print(" ".join(f"{k}={os.path.getsize(os.path.join(out, k))}" for k in bodies))
