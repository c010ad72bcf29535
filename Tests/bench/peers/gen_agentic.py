#!/usr/bin/env python3
"""Writes agentic_400.json: an Anthropic Messages request shaped like a long agent session,
400 tool round trips (an assistant text + tool_use with a small JSON input, then a user
tool_result), ~193 KB, after a short system prompt and two tools. Deterministic (fixed seed,
the same bytes for a given ROUND_TRIPS whatever else the process generated).
chat(request) and responses(request) give the same conversation in Chat Completions form
(assistant content + tool_calls, then a role:"tool" message) and Responses form (message,
function_call and function_call_output items); `make bench` (Tests/bench/gen_inputs.py) writes
all three forms for 50, 400 and 1,600 round trips.
usage: gen_agentic.py OUTDIR [ROUND_TRIPS]"""
import json
import os
import random
import sys

SEED = 20261204
R = random.Random(SEED)
WORDS = ("the a file function returns value error path module test build config request stream "
         "token model tool result message content parse write read server client proxy cache").split()


def words(n_bytes):
    out, size = [], 0
    while size < n_bytes:
        w = R.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def request(trips):
    R.seed(SEED)
    tools = [{"name": "Bash", "description": "Runs a shell command.",
              "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}},
             {"name": "Read", "description": "Reads a file.",
              "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}, "required": ["file_path"]}}]
    msgs = [{"role": "user", "content": [{"type": "text", "text": "Fix the failing tests in this repository."}]}]
    for k in range(trips):
        call_id = "toolu_%024d" % (k + 1)
        if k % 2:
            use = {"type": "tool_use", "id": call_id, "name": "Read", "input": {"file_path": "src/%s.swift" % R.choice(WORDS)}}
        else:
            use = {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": "grep -n %s src" % R.choice(WORDS)}}
        msgs.append({"role": "assistant", "content": [{"type": "text", "text": words(R.randint(40, 100))}, use]})
        msgs.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": call_id,
                                                  "content": words(R.randint(80, 170))}]})
    msgs.append({"role": "user", "content": [{"type": "text", "text": "continue"}]})
    return {"model": "claude-opus-5-5", "max_tokens": 32000, "system": "You are a coding agent.",
            "tools": tools, "messages": msgs}


def call_id(tool_use_id):
    return "call_" + tool_use_id[len("toolu_"):]


def arguments(tool_input):
    return json.dumps(tool_input, separators=(",", ":"))


def chat(req):
    """The Anthropic request `req` (from request()) as a Chat Completions request."""
    msgs = [{"role": "system", "content": req["system"]}]
    for m in req["messages"]:
        blocks = m["content"]
        if m["role"] == "assistant":
            text, use = blocks
            msgs.append({"role": "assistant", "content": text["text"], "tool_calls": [
                {"id": call_id(use["id"]), "type": "function",
                 "function": {"name": use["name"], "arguments": arguments(use["input"])}}]})
        elif blocks[0]["type"] == "tool_result":
            msgs.append({"role": "tool", "tool_call_id": call_id(blocks[0]["tool_use_id"]), "content": blocks[0]["content"]})
        else:
            msgs.append({"role": "user", "content": blocks[0]["text"]})
    tools = [{"type": "function", "function": {"name": t["name"], "description": t["description"],
                                               "parameters": t["input_schema"]}} for t in req["tools"]]
    return {"model": "gpt-5.1", "max_completion_tokens": req["max_tokens"], "tools": tools, "messages": msgs}


def responses(req):
    """The Anthropic request `req` (from request()) as a Responses request."""
    items = []
    for m in req["messages"]:
        blocks = m["content"]
        if m["role"] == "assistant":
            text, use = blocks
            items.append({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text["text"]}]})
            items.append({"type": "function_call", "call_id": call_id(use["id"]), "name": use["name"],
                          "arguments": arguments(use["input"])})
        elif blocks[0]["type"] == "tool_result":
            items.append({"type": "function_call_output", "call_id": call_id(blocks[0]["tool_use_id"]),
                          "output": blocks[0]["content"]})
        else:
            items.append({"type": "message", "role": "user", "content": [{"type": "input_text", "text": blocks[0]["text"]}]})
    tools = [{"type": "function", "name": t["name"], "description": t["description"], "parameters": t["input_schema"]}
             for t in req["tools"]]
    return {"model": "gpt-5.1", "max_output_tokens": req["max_tokens"], "instructions": req["system"],
            "tools": tools, "input": items}


def encode(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


def write_all(out, trips):
    """agentic_N.json, chat_agentic_N.json and responses_agentic_N.json for N = trips."""
    req = request(trips)
    for name, doc in (("agentic", req), ("chat_agentic", chat(req)), ("responses_agentic", responses(req))):
        with open(os.path.join(out, "%s_%d.json" % (name, trips)), "wb") as f:
            f.write(encode(doc))


def main():
    out = sys.argv[1]
    trips = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "agentic_%d.json" % trips), "wb") as f:
        f.write(encode(request(trips)))


if __name__ == "__main__":
    main()
