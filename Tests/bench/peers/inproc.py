#!/usr/bin/env python3
"""In-process translation per call, Python side of Tests/bench/peers/run.py: apxlate through its
Python binding (bindings/python, ctypes) and LiteLLM's own Anthropic -> OpenAI adapter, the calls
its /v1/messages handler makes for a non-Anthropic model (litellm/llms/anthropic/messages/adapters/
handler.py, older releases experimental_pass_through/adapters/): AnthropicAdapter's
translate_completion_input_params_with_tool_mapping (which builds the typed request and calls
LiteLLMAnthropicMessagesAdapter.translate_anthropic_to_openai) and, for the answer,
translate_completion_output_params on a ModelResponse.
usage: inproc.py RUNS KIND:FILE...  (KIND req or resp, as peers_bench.c)
Prints one JSON object per file: {"arg", "apxlate_py", "litellm", "litellm_dict"} in
microseconds per call (medians of RUNS runs of ~0.1 s). "litellm" is bytes in, bytes out like
apxlate (json.loads, the adapter, json.dumps); "litellm_dict" the adapter call alone on a parsed
dict (a fresh shallow copy of the request, as the adapter pops keys from its input; for an answer
the ModelResponse is built in the timed call, as the handler gets one from its client)."""
import copy
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bindings", "python"))
import apxlate  # noqa: E402

RUN_SECONDS = 0.1


def measure(op, runs):
    op(1)
    n = 1
    while True:
        t0 = time.perf_counter()
        op(n)
        t = time.perf_counter() - t0
        if t >= RUN_SECONDS / 4:
            break
        n *= 4
    n = max(1, int(n * RUN_SECONDS / t))
    per = []
    for _ in range(runs):
        t0 = time.perf_counter()
        op(n)
        per.append((time.perf_counter() - t0) / n)
    per.sort()
    return per[len(per) // 2] * 1e6


def litellm_ops():
    import litellm
    try:
        from litellm.llms.anthropic.messages.adapters.transformation import AnthropicAdapter
    except ImportError:
        from litellm.llms.anthropic.experimental_pass_through.adapters.transformation import AnthropicAdapter
    adapter = AnthropicAdapter()

    def dump(x):
        if hasattr(x, "model_dump"):
            x = x.model_dump()
        return json.dumps(x, default=str).encode()

    def req_dict(doc):
        out, _ = adapter.translate_completion_input_params_with_tool_mapping(copy.copy(doc), custom_llm_provider="openai")
        return out

    def req_bytes(body):
        return dump(req_dict(json.loads(body)))

    def resp_dict(doc):
        return adapter.translate_completion_output_params(litellm.ModelResponse(**doc))

    def resp_bytes(body):
        return dump(resp_dict(json.loads(body)))

    return {"req": (req_bytes, req_dict), "resp": (resp_bytes, resp_dict)}


def main():
    runs = int(sys.argv[1])
    lite = litellm_ops()
    t = apxlate.Translator({"models": {"default": "gpt-5.1"}})
    for arg in sys.argv[2:]:
        kind, path = arg.split(":", 1)
        body = open(path, "rb").read()
        doc = json.loads(body)
        if kind == "req":
            def apx(n):
                for _ in range(n):
                    t.translate_request(body, "anthropic", "openai-chat").exchange.close()
        else:
            def apx(n):
                for _ in range(n):
                    t.translate_response(body, "openai-chat", "anthropic")
        as_bytes, as_dict = lite[kind]

        def lb(n):
            for _ in range(n):
                as_bytes(body)

        def ld(n):
            for _ in range(n):
                as_dict(doc)
        row = {"arg": arg}
        for name, op in (("apxlate_py", apx), ("litellm", lb), ("litellm_dict", ld)):
            try:
                row[name] = measure(op, runs)
            except Exception as e:  # a translator that rejects the body: say so in the table
                row[name] = "error: %s" % str(e)[:100]
        print(json.dumps(row), flush=True)
    t.close()


if __name__ == "__main__":
    main()
