#!/usr/bin/env python3
"""Writes the benchmark inputs into a directory (deterministic: a fixed seed, no clock).

Requests are shaped like Claude Code's (see shared/CLIENTS.md): 3 system blocks (~7 KB, a billing
line first), a role:"system" message (~9 KB of environment context), ~15 tools with $schema'd
input_schemas (~35 KB in all), and turns with tool_use / tool_result. The 1 MB variants add turns.
The Chat variants carry the same content in Chat Completions shape. Streams: a prologue, one
repeated event (text delta, tool-argument delta), and a long stream (~1 MB) per direction.
Agentic requests (peers/gen_agentic.py): 50, 400 and 1,600 tool round trips in Anthropic, Chat and
Responses form (agentic_N.json, chat_agentic_N.json, responses_agentic_N.json).

usage: gen_inputs.py OUTDIR
"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
import gen_agentic  # noqa: E402  (its own seeded generator: importing it does not change R below)

AGENTIC_ROUND_TRIPS = (50, 400, 1600)

R = random.Random(20261125)
WORDS = ("the a file function returns value error path module test build config request stream "
         "token model tool result message content parse write read server client proxy cache index "
         "schema argument output input line buffer event delta usage format translate").split()


def words(n_bytes):
    out, size = [], 0
    while size < n_bytes:
        w = R.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    text = " ".join(out)
    # some punctuation, quotes, newlines and non-ASCII, as real prompts have
    return text.replace(" error ", " \"error\"\n").replace(" cache ", " caché ").replace(" index ", " index\t")


def schema(i, n_bytes):
    props, size = {}, 0
    k = 0
    while size < n_bytes:
        name = "%s_%d" % (R.choice(WORDS), k)
        props[name] = {"type": R.choice(["string", "integer", "boolean"]), "description": words(R.randint(60, 200))}
        if k % 4 == 0:
            props[name] = {"type": "array", "items": {"type": "string"}, "description": words(80)}
        size += len(json.dumps(props[name])) + len(name)
        k += 1
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": props,
            "required": list(props)[:2], "additionalProperties": False}


TOOLS = [{"name": n, "description": words(R.randint(250, 700)), "input_schema": schema(i, 1350)}
         for i, n in enumerate(["Task", "Bash", "Glob", "Grep", "ExitPlanMode", "Read", "Edit", "MultiEdit", "Write",
                                "NotebookEdit", "WebFetch", "TodoWrite", "WebSearch", "BashOutput", "KillShell"])]
TOOLS[-1]["defer_loading"] = True

SYSTEM = [
    {"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.331.a1b; cc_entrypoint=sdk-cli;"},
    {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.", "cache_control": {"type": "ephemeral"}},
    {"type": "text", "text": words(6900), "cache_control": {"type": "ephemeral"}},
]
ENV_CONTEXT = "<system-reminder>\n" + words(9000) + "\n</system-reminder>"


def anthropic_turns(n):
    msgs = []
    for k in range(n):
        call_id = "toolu_%024d" % (k + 1)
        tool = TOOLS[k % len(TOOLS)]["name"]
        msgs.append({"role": "user", "content": [{"type": "text", "text": words(R.randint(100, 400))}]})
        msgs.append({"role": "assistant", "content": [
            {"type": "text", "text": words(R.randint(50, 300))},
            {"type": "tool_use", "id": call_id, "name": tool,
             "input": {"command": words(60), "description": words(40), "timeout": 120000}}]})
        msgs.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": call_id, "content": words(R.randint(300, 1500)),
             "is_error": False, "cache_control": {"type": "ephemeral"}}]})
    msgs.append({"role": "user", "content": "continue"})
    return msgs


def anthropic_request(turns):
    return {
        "model": "claude-opus-5-5",
        "messages": [{"role": "system", "content": [{"type": "text", "text": ENV_CONTEXT}]}] + anthropic_turns(turns),
        "system": SYSTEM,
        "tools": TOOLS,
        "metadata": {"user_id": json.dumps({"device_id": "d" * 64, "account_uuid": "", "session_id": "5f0c-1"})},
        "max_tokens": 32000,
        "stream": True,
    }


def chat_request(turns):
    msgs = [{"role": "system", "content": "\n\n".join(b["text"] for b in SYSTEM)},
            {"role": "system", "content": ENV_CONTEXT}]
    for m in anthropic_turns(turns):
        if m["role"] == "assistant":
            text = m["content"][0]["text"]
            use = m["content"][1]
            msgs.append({"role": "assistant", "content": text, "tool_calls": [
                {"id": "call_" + use["id"][6:], "type": "function",
                 "function": {"name": use["name"], "arguments": json.dumps(use["input"])}}]})
        elif isinstance(m["content"], list) and m["content"][0]["type"] == "tool_result":
            r = m["content"][0]
            msgs.append({"role": "tool", "tool_call_id": "call_" + r["tool_use_id"][6:], "content": r["content"]})
        else:
            c = m["content"]
            msgs.append({"role": "user", "content": c if isinstance(c, str) else c[0]["text"]})
    tools = [{"type": "function", "function": {"name": t["name"], "description": t["description"],
                                               "parameters": t["input_schema"]}} for t in TOOLS]
    return {"model": "gpt-5.1", "messages": msgs, "tools": tools, "max_completion_tokens": 32000,
            "stream": True, "stream_options": {"include_usage": True}}


def responses_request(turns):
    items = [{"role": "developer", "content": [{"type": "input_text", "text": ENV_CONTEXT}]}]
    for m in anthropic_turns(turns):
        if m["role"] == "assistant":
            use = m["content"][1]
            items.append({"type": "message", "role": "assistant",
                          "content": [{"type": "output_text", "text": m["content"][0]["text"]}]})
            items.append({"type": "function_call", "call_id": "call_" + use["id"][6:], "name": use["name"],
                          "arguments": json.dumps(use["input"])})
        elif isinstance(m["content"], list) and m["content"][0]["type"] == "tool_result":
            r = m["content"][0]
            items.append({"type": "function_call_output", "call_id": "call_" + r["tool_use_id"][6:], "output": r["content"]})
        else:
            c = m["content"]
            items.append({"role": "user", "content": [{"type": "input_text", "text": c if isinstance(c, str) else c[0]["text"]}]})
    tools = [{"type": "function", "name": t["name"], "description": t["description"], "parameters": t["input_schema"]}
             for t in TOOLS]
    return {"model": "gpt-5.1", "instructions": "\n\n".join(b["text"] for b in SYSTEM), "input": items,
            "tools": tools, "max_output_tokens": 32000, "stream": True}


def sized(make, target):
    """The request with the smallest number of turns (at least 3) whose JSON reaches `target` bytes."""
    lo, hi = 3, 4
    while len(json.dumps(make(hi))) < target:
        lo, hi = hi, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        R.seed(mid)
        if len(json.dumps(make(mid))) < target:
            lo = mid + 1
        else:
            hi = mid
    R.seed(lo)
    return make(lo)


CHAT_RESPONSE = {
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1764000000, "model": "gpt-5.1",
    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": words(3000),
        "tool_calls": [{"id": "call_%d" % i, "type": "function",
                        "function": {"name": "Bash", "arguments": json.dumps({"command": words(400), "timeout": 1000})}}
                       for i in range(3)]}}],
    "usage": {"prompt_tokens": 12000, "completion_tokens": 900, "total_tokens": 12900,
              "prompt_tokens_details": {"cached_tokens": 8000}},
}
ANTHROPIC_RESPONSE = {
    "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-opus-5-5",
    "content": [{"type": "text", "text": CHAT_RESPONSE["choices"][0]["message"]["content"]}] + [
        {"type": "tool_use", "id": "toolu_%d" % i, "name": "Bash", "input": {"command": words(400), "timeout": 1000}}
        for i in range(3)],
    "stop_reason": "tool_use", "stop_sequence": None,
    "usage": {"input_tokens": 4000, "output_tokens": 900, "cache_read_input_tokens": 8000,
              "cache_creation_input_tokens": 0},
}
RESPONSES_RESPONSE = {
    "id": "resp_bench", "object": "response", "created_at": 1764000000, "status": "completed", "model": "gpt-5.1",
    "output": [{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": CHAT_RESPONSE["choices"][0]["message"]["content"],
                             "annotations": []}]}] + [
        {"type": "function_call", "id": "fc_%d" % i, "call_id": "call_%d" % i, "name": "Bash", "status": "completed",
         "arguments": json.dumps({"command": words(400), "timeout": 1000})} for i in range(3)],
    "usage": {"input_tokens": 12000, "output_tokens": 900, "total_tokens": 12900,
              "input_tokens_details": {"cached_tokens": 8000}, "output_tokens_details": {"reasoning_tokens": 0}},
}


def chat_chunk(delta, finish=None, usage=None, choices=True):
    c = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1764000000, "model": "gpt-5.1",
         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else []}
    if usage:
        c["usage"] = usage
    return ("data: " + json.dumps(c, separators=(",", ":")) + "\n\n").encode()


def anth_event(name, data):
    return ("event: %s\ndata: %s\n\n" % (name, json.dumps(dict(type=name, **data), separators=(",", ":")))).encode()


def streams():
    """name -> bytes: per-direction prologues, single events, epilogues and long streams."""
    s = {}
    usage = {"prompt_tokens": 12000, "completion_tokens": 900, "total_tokens": 12900}
    s["chat_text_prologue"] = chat_chunk({"role": "assistant", "content": ""})
    s["chat_text_event"] = chat_chunk({"content": " the file"})
    s["chat_tool_prologue"] = chat_chunk({"role": "assistant", "content": None}) + chat_chunk(
        {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "Bash", "arguments": ""}}]})
    s["chat_tool_event"] = chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": "ommand\\\": \\\"ls"}}]})
    s["chat_epilogue"] = chat_chunk({}, "stop") + chat_chunk(None, usage=usage, choices=False) + b"data: [DONE]\n\n"

    s["anth_text_prologue"] = anth_event("message_start", {"message": {
        "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-opus-5-5", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 4000, "output_tokens": 1}}}) + \
        anth_event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
    s["anth_text_event"] = anth_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": " the file"}})
    s["anth_tool_prologue"] = s["anth_text_prologue"].split(b"event: content_block_start")[0] + \
        anth_event("content_block_start", {"index": 0, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}})
    s["anth_tool_event"] = anth_event("content_block_delta", {"index": 0, "delta": {"type": "input_json_delta", "partial_json": "ommand\": \"ls"}})
    s["anth_epilogue"] = anth_event("content_block_stop", {"index": 0}) + anth_event(
        "message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 900}}) + \
        anth_event("message_stop", {})

    s["resp_text_prologue"] = b"".join(
        ("event: %s\ndata: %s\n\n" % (t, json.dumps(dict(type=t, sequence_number=i, **d), separators=(",", ":")))).encode()
        for i, (t, d) in enumerate([
            ("response.created", {"response": {"id": "resp_bench", "object": "response", "created_at": 1764000000,
                                               "status": "in_progress", "model": "gpt-5.1", "output": []}}),
            ("response.output_item.added", {"output_index": 0, "item": {"type": "message", "id": "msg_1",
                                                                          "status": "in_progress", "role": "assistant", "content": []}}),
            ("response.content_part.added", {"item_id": "msg_1", "output_index": 0, "content_index": 0,
                                             "part": {"type": "output_text", "text": "", "annotations": []}})]))
    s["resp_text_event"] = ("event: response.output_text.delta\ndata: %s\n\n" % json.dumps(
        {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0,
         "delta": " the file", "sequence_number": 4}, separators=(",", ":"))).encode()

    # long streams (~1 MB): text, then one tool call with many argument pieces, then the end
    chat = [s["chat_text_prologue"]]
    anth = [s["anth_text_prologue"]]
    size = 0
    while size < 700_000:
        piece = " " + words(R.randint(4, 40)).strip()
        chat.append(chat_chunk({"content": piece}))
        anth.append(anth_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}}))
        size += len(chat[-1])
    chat.append(chat_chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                            "function": {"name": "Bash", "arguments": ""}}]}))
    anth.append(anth_event("content_block_stop", {"index": 0}))
    anth.append(anth_event("content_block_start", {"index": 1, "content_block": {"type": "tool_use", "id": "toolu_1",
                                                                                 "name": "Bash", "input": {}}}))
    args = json.dumps({"command": words(250_000)})
    for k in range(0, len(args), 40):
        chat.append(chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[k:k + 40]}}]}))
        anth.append(anth_event("content_block_delta", {"index": 1, "delta": {"type": "input_json_delta",
                                                                             "partial_json": args[k:k + 40]}}))
    chat.append(s["chat_epilogue"].replace(b'"finish_reason":"stop"', b'"finish_reason":"tool_calls"'))
    anth.append(anth_event("content_block_stop", {"index": 1}) + anth_event(
        "message_delta", {"delta": {"stop_reason": "tool_use", "stop_sequence": None}, "usage": {"output_tokens": 900}}) +
        anth_event("message_stop", {}))
    s["chat_long"] = b"".join(chat)
    s["anth_long"] = b"".join(anth)
    return s


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {
        "anthropic_50k.json": sized(anthropic_request, 50_000),
        "anthropic_200k.json": sized(anthropic_request, 200_000),
        "anthropic_1m.json": sized(anthropic_request, 1_000_000),
        "chat_50k.json": sized(chat_request, 50_000),
        "chat_1m.json": sized(chat_request, 1_000_000),
        "responses_50k.json": sized(responses_request, 50_000),
        "chat_response.json": CHAT_RESPONSE,
        "anthropic_response.json": ANTHROPIC_RESPONSE,
        "responses_response.json": RESPONSES_RESPONSE,
    }
    for name, doc in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
    for name, data in streams().items():
        with open(os.path.join(out, name + ".sse"), "wb") as f:
            f.write(data)
    for trips in AGENTIC_ROUND_TRIPS:
        gen_agentic.write_all(out, trips)


if __name__ == "__main__":
    main()
