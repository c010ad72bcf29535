"""Large bodies for Tests/bench/mem_bench.sh: one big string, or many small blocks, per format.
usage: gen_big.py OUTDIR MB"""
import json
import os
import sys

out, mb = sys.argv[1], float(sys.argv[2])
n = int(mb * 1_000_000)
os.makedirs(out, exist_ok=True)
line = "The quick brown fox jumps over the lazy dog, \"quoted\" once.\n"
big = (line * (n // len(line) + 1))[: n - 200]


def small_blocks(make, per):
    items, size = [], 0
    i = 0
    while size < n - 200:
        item = make(i)
        items.append(item)
        size += per
        i += 1
    return items


def write(name, doc):
    with open(os.path.join(out, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


write("anthropic_req_big.json", {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": big}]})
blocks = small_blocks(lambda i: {"type": "text", "text": "w%d" % i}, 30)
write("anthropic_req_small.json", {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": blocks}]})
write("chat_req_big.json", {"model": "m", "messages": [{"role": "user", "content": big}]})
msgs = small_blocks(lambda i: {"role": "user" if i % 2 == 0 else "assistant", "content": "w%d" % i}, 40)
write("chat_req_small.json", {"model": "m", "messages": msgs})
write("responses_req_big.json", {"model": "m", "input": big})
write("chat_resp_big.json", {"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                             "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": big}}],
                             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
write("anthropic_resp_big.json", {"id": "m", "type": "message", "role": "assistant", "model": "m", "stop_reason": "end_turn",
                                  "content": [{"type": "text", "text": big}], "usage": {"input_tokens": 1, "output_tokens": 1}})
write("anthropic_resp_small.json", {"id": "m", "type": "message", "role": "assistant", "model": "m", "stop_reason": "end_turn",
                                    "content": blocks, "usage": {"input_tokens": 1, "output_tokens": 1}})
write("responses_resp_big.json", {"id": "r", "object": "response", "status": "completed", "model": "m",
                                  "output": [{"type": "message", "id": "m", "role": "assistant",
                                              "content": [{"type": "output_text", "text": big, "annotations": []}]}],
                                  "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}})
