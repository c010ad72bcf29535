#!/usr/bin/env python3
"""Writes agentic_400.json: an Anthropic Messages request shaped like a long agent session,
400 tool round trips (an assistant text + tool_use with a small JSON input, then a user
tool_result), ~193 KB, after a short system prompt and two tools. Deterministic (fixed seed).
usage: gen_agentic.py OUTDIR [ROUND_TRIPS]"""
import json
import os
import random
import sys

R = random.Random(20261204)
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


def main():
    out = sys.argv[1]
    trips = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "agentic_%d.json" % trips), "wb") as f:
        f.write(json.dumps(request(trips), separators=(",", ":")).encode())


if __name__ == "__main__":
    main()
