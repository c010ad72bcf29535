# Writes the one-shot Responses fixtures (case.json) for the four directions that involve
# openai-responses. Inputs are written here; the "expected" documents live in
# Tests/tools/responses_fixtures_expected.json (reviewed translations), merged in by this script.
import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "Fixtures")
EXPECTED_FILE = os.path.join(HERE, "responses_fixtures_expected.json")
EXPECTED = json.load(open(EXPECTED_FILE)) if os.path.exists(EXPECTED_FILE) else {}

def w(group, name, case):
    key = group + "/" + name
    if "expected" not in case and "expected_error" not in case and key in EXPECTED:
        case["expected"] = EXPECTED[key]
    d = os.path.join(ROOT, group, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "case.json"), "w") as f:
        f.write(json.dumps(case, indent=1, ensure_ascii=False) + "\n")

A2R, R2A, C2R, R2C = "anthropic-openai-responses", "openai-responses-anthropic", "openai-chat-openai-responses", "openai-responses-openai-chat"
SIG_R = "apx1.r.eyJpZCI6InJzXzEiLCJlbmNyeXB0ZWRfY29udGVudCI6ImdBQUFBZW5jPT0ifQ"  # {"id":"rs_1","encrypted_content":"gAAAAenc=="}
LONG = "mcp__server.example/tool"

# ---------------- anthropic client -> openai-responses upstream (requests)
claude_code = {
 "model": "claude-sonnet-5-5", "max_tokens": 32000, "stream": True,
 "metadata": {"user_id": "user_1"},
 "thinking": {"type": "adaptive"}, "output_config": {"effort": "medium"},
 "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.331.a1b; cc_entrypoint=sdk-cli;"},
            {"type": "text", "text": "You are Claude Code."},
            {"type": "text", "text": "Be careful.", "cache_control": {"type": "ephemeral"}}],
 "tools": [{"name": "Bash", "description": "Run a command", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}},
           {"name": LONG, "description": "An MCP tool", "input_schema": {"type": "object", "properties": {}}}],
 "messages": [
  {"role": "user", "content": "list the files"},
  {"role": "assistant", "content": [
    {"type": "thinking", "thinking": "Need weather.\n\nThen answer.", "signature": SIG_R},
    {"type": "text", "text": "Running ls."},
    {"type": "tool_use", "id": "call_1", "name": "Bash", "input": {"command": "ls"}}]},
  {"role": "user", "content": [
    {"type": "tool_result", "tool_use_id": "call_1", "content": "a.txt\nb.txt", "cache_control": {"type": "ephemeral"}},
    {"type": "text", "text": "now call the MCP tool"}]},
  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_02", "name": LONG, "input": {}}]},
  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_02", "content": [{"type": "text", "text": "denied"}], "is_error": True}]}]}
w(A2R, "req-claude-code-tool-loop", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "config": {"models": {"default": "gpt-5"}}, "input": claude_code, "warnings": ["billing header", "cache_control"]})

w(A2R, "req-anthropic-thinking-not-sent", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "input": {"model": "m", "max_tokens": 1000, "messages": [
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm", "signature": "EqQBanthropicSig"},
                                      {"type": "redacted_thinking", "data": "EmwKAhgB"},
                                      {"type": "text", "text": "Hello."}]},
    {"role": "user", "content": "again"}]},
  "warnings": ["messages[1].content[0]", "messages[1].content[1]"]})

w(A2R, "req-title-json-schema-no-tools", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "input": {"model": "m", "max_tokens": 512, "tools": [],
            "output_config": {"format": {"type": "json_schema", "schema": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"], "additionalProperties": False}}},
            "messages": [{"role": "user", "content": "Name this chat"}]}})

w(A2R, "req-images-documents", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "input": {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": [
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"}, "title": "spec.pdf"},
    {"type": "text", "text": "Compare them."}]}]}})

w(A2R, "req-server-tool-rejected", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "config": {"upstream": {"builtin_tools": "error"}},
  "input": {"model": "m", "max_tokens": 100, "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
            "messages": [{"role": "user", "content": "news?"}]},
  "expected_error": {"status": "unsupported", "path": "tools[0]"}})

w(A2R, "req-budget-and-sampling", {"kind": "request", "from": "anthropic", "to": "openai-responses",
  "config": {"upstream": {"max_tokens_cap": 16000}},
  "input": {"model": "m", "max_tokens": 64000, "thinking": {"type": "enabled", "budget_tokens": 8000},
            "temperature": 1, "top_k": 40, "stop_sequences": ["END"],
            "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
            "tools": [{"name": "f", "input_schema": {"type": "object"}}],
            "messages": [{"role": "user", "content": "go"}]},
  "warnings": ["top_k", "stop"]})

# ---------------- openai-responses upstream -> anthropic client (responses, errors)
rs_response = {"id": "resp_1", "object": "response", "created_at": 1700000000, "status": "completed", "model": "gpt-5",
 "output": [
   {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Need weather."}, {"type": "summary_text", "text": "Then answer."}], "encrypted_content": "gAAAAenc=="},
   {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "text": "Checking.", "annotations": []}]},
   {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}", "status": "completed"}],
 "usage": {"input_tokens": 1200, "input_tokens_details": {"cached_tokens": 1000}, "output_tokens": 300, "output_tokens_details": {"reasoning_tokens": 250}, "total_tokens": 1500}}
w(R2A, "resp-reasoning-text-tool", {"kind": "response", "from": "openai-responses", "to": "anthropic",
  "request": {"model": "claude-sonnet-5-5", "max_tokens": 100, "messages": [{"role": "user", "content": "weather?"}]},
  "input": rs_response})

w(R2A, "resp-tool-name-restored", {"kind": "response", "from": "openai-responses", "to": "anthropic",
  "request": {"model": "claude-x", "max_tokens": 100, "tools": [{"name": LONG, "input_schema": {"type": "object"}}], "messages": [{"role": "user", "content": "go"}]},
  "input": {"id": "resp_2", "status": "completed", "model": "gpt-5", "output": [
    {"type": "function_call", "id": "fc_2", "call_id": "call_2", "name": "mcp__server_example_tool_e25c3e45", "arguments": "{}"}],
    "usage": {"input_tokens": 10, "output_tokens": 5}}})

w(R2A, "resp-incomplete-max-output-tokens", {"kind": "response", "from": "openai-responses", "to": "anthropic",
  "input": {"id": "resp_3", "status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}, "model": "gpt-5",
            "output": [{"type": "message", "id": "msg_3", "role": "assistant", "status": "incomplete", "content": [{"type": "output_text", "text": "Once upon", "annotations": []}]}],
            "usage": {"input_tokens": 10, "output_tokens": 16}}})

w(R2A, "resp-failed-rate-limit", {"kind": "response", "from": "openai-responses", "to": "anthropic",
  "input": {"id": "resp_4", "status": "failed", "error": {"code": "rate_limit_exceeded", "message": "Rate limit reached"}, "output": [], "model": "gpt-5"},
  "expected": {"type": "error", "error": {"type": "rate_limit_error", "message": "Rate limit reached"}}, "expected_status": 429})

w(R2A, "err-400-context-length", {"kind": "error", "from": "openai-responses", "to": "anthropic", "status": 400,
  "input": {"error": {"message": "Your input exceeds the context window of this model.", "type": "invalid_request_error", "param": "input", "code": "context_length_exceeded"}},
  "expected": {"type": "error", "error": {"type": "invalid_request_error", "message": "Your input exceeds the context window of this model."}}, "expected_status": 400})

# ---------------- openai-responses client -> anthropic upstream (requests)
codex = {"model": "gpt-5-codex", "instructions": "You are a coding agent.", "store": False, "stream": True,
 "include": ["reasoning.encrypted_content"], "parallel_tool_calls": False,
 "reasoning": {"effort": "high", "summary": "auto"}, "max_output_tokens": 20000,
 "tools": [{"type": "function", "name": "shell", "description": "Run a shell command", "strict": False,
            "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}, "required": ["command"]}}],
 "tool_choice": "auto",
 "input": [
  {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Sandbox: read-only."}]},
  {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is in this repo?"}]},
  {"type": "reasoning", "id": "rs_9", "summary": [{"type": "summary_text", "text": "List files."}], "encrypted_content": "gAAAAopenai"},
  {"type": "function_call", "id": "fc_9", "call_id": "call_9", "name": "shell", "arguments": "{\"command\":[\"ls\"]}"},
  {"type": "function_call_output", "call_id": "call_9", "output": "README.md\nsrc"},
  {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "A README and src.", "annotations": []}]},
  {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Thanks"}]}]}
w(R2A, "req-codex-tool-loop", {"kind": "request", "from": "openai-responses", "to": "anthropic", "input": codex,
  "warnings": ["reasoning items cannot be sent to Anthropic"]})

w(R2A, "req-carried-thinking-replayed", {"kind": "request", "from": "openai-responses", "to": "anthropic",
  "input": {"model": "claude-x", "max_output_tokens": 4000, "reasoning": {"effort": "medium"},
   "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": None}],
   "input": [{"role": "user", "content": "go"},
    {"type": "reasoning", "id": "rs_A_0", "summary": [{"type": "summary_text", "text": "I will call f."}], "encrypted_content": "apx1.a.EqQBanthropicSig"},
    {"type": "function_call", "id": "fc_01", "call_id": "toolu_01", "name": "f", "arguments": "{}"},
    {"type": "function_call_output", "call_id": "toolu_01", "output": "ok"}]}})

w(R2A, "req-previous-response-id-rejected", {"kind": "request", "from": "openai-responses", "to": "anthropic",
  "input": {"model": "m", "previous_response_id": "resp_abc", "input": "continue"},
  "expected_error": {"status": "unsupported", "path": "previous_response_id", "message": "server-side conversation state"}})

w(R2A, "req-builtin-tool-dropped", {"kind": "request", "from": "openai-responses", "to": "anthropic",
  "input": {"model": "m", "input": "news?", "tools": [{"type": "web_search"}, {"type": "function", "name": "f", "parameters": None, "strict": None}],
            "text": {"format": {"type": "json_schema", "name": "out", "schema": {"type": "object"}, "strict": True}}},
  "warnings": ["tools[0]"]})

# ---------------- anthropic upstream -> openai-responses client (responses, errors)
w(A2R, "resp-thinking-text-tool", {"kind": "response", "from": "anthropic", "to": "openai-responses",
  "request": {"model": "gpt-client", "input": "weather?"},
  "input": {"id": "msg_01A", "type": "message", "role": "assistant", "model": "claude-up",
            "content": [{"type": "thinking", "thinking": "Need weather.", "signature": "EqQBsig/+="},
                        {"type": "text", "text": "Checking."},
                        {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 20, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 5, "output_tokens": 50}}})

w(A2R, "resp-max-tokens-incomplete", {"kind": "response", "from": "anthropic", "to": "openai-responses",
  "input": {"id": "msg_02", "type": "message", "role": "assistant", "model": "claude-up",
            "content": [{"type": "text", "text": "Once upon"}], "stop_reason": "max_tokens", "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 16}}})

w(A2R, "err-529-overloaded", {"kind": "error", "from": "anthropic", "to": "openai-responses", "status": 529,
  "input": {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
  "expected": {"error": {"message": "Overloaded", "type": "service_unavailable_error", "param": None, "code": "server_is_overloaded"}},
  "expected_status": 503})

# ---------------- openai-chat client -> openai-responses upstream (requests)
w(C2R, "req-chat-tool-loop", {"kind": "request", "from": "openai-chat", "to": "openai-responses",
  "input": {"model": "gpt-5", "max_completion_tokens": 2000, "reasoning_effort": "low", "stream": True,
   "stream_options": {"include_usage": True}, "tool_choice": "required", "parallel_tool_calls": True, "user": "u1",
   "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True}},
   "tools": [{"type": "function", "function": {"name": "lookup", "description": "Look up", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}],
   "messages": [{"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Find x"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO", "detail": "low"}}]},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"x\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "x = 42"},
                {"role": "user", "content": "and y?"}]}})

# a Chat client replays the reasoning_details it received from a Responses upstream (via apxlate)
w(C2R, "req-reasoning-details-replayed", {"kind": "request", "from": "openai-chat", "to": "openai-responses",
  "input": {"model": "m", "messages": [{"role": "user", "content": "q"},
    {"role": "assistant", "content": None, "reasoning_content": "Need weather.",
     "reasoning_details": [{"type": "reasoning.text", "text": "Need weather.", "signature": SIG_R, "format": "anthropic-claude-v1", "index": 0}],
     "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "ok"}]},
  "expected": {"model": "m", "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "q"}]},
    {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Need weather."}], "encrypted_content": "gAAAAenc=="},
    {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"},
    {"type": "function_call_output", "call_id": "call_1", "output": "ok"}],
   "store": False, "include": ["reasoning.encrypted_content"]}})

w(C2R, "req-stop-dropped", {"kind": "request", "from": "openai-chat", "to": "openai-responses",
  "input": {"model": "m", "stop": ["\n\n"], "messages": [{"role": "user", "content": "hi"}]}, "warnings": ["stop"]})

# ---------------- openai-responses upstream -> openai-chat client (responses)
w(R2C, "resp-reasoning-text-tool", {"kind": "response", "from": "openai-responses", "to": "openai-chat",
  "request": {"model": "gpt-client", "messages": [{"role": "user", "content": "weather?"}]},
  "input": rs_response})
w(R2C, "resp-failed-server-error", {"kind": "response", "from": "openai-responses", "to": "openai-chat",
  "input": {"id": "resp_5", "status": "failed", "error": {"code": "server_error", "message": "The server had an error"}, "output": []},
  "expected": {"error": {"message": "The server had an error", "type": "server_error", "param": None, "code": "server_error"}}, "expected_status": 500})

# ---------------- openai-responses client -> openai-chat upstream (requests)
w(R2C, "req-items-to-messages", {"kind": "request", "from": "openai-responses", "to": "openai-chat",
  "input": {"model": "gpt-4.1", "instructions": "Be brief.", "max_output_tokens": 500, "temperature": 0.2,
   "tools": [{"type": "function", "name": "lookup", "parameters": {"type": "object"}, "strict": True}],
   "tool_choice": {"type": "function", "name": "lookup"},
   "input": [{"role": "user", "content": "Find x"},
             {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "lookup", "arguments": "{\"q\":\"x\"}"},
             {"type": "function_call_output", "call_id": "call_1", "output": "x = 42"},
             {"role": "user", "content": [{"type": "input_text", "text": "and y?"}, {"type": "input_file", "file_id": "file-abc", "filename": "y.pdf"}]}]},
  "warnings": ["file_id"]})

# ---------------- openai-chat upstream -> openai-responses client (responses)
w(C2R, "resp-chat-tool-calls", {"kind": "response", "from": "openai-chat", "to": "openai-responses",
  "request": {"model": "gpt-client", "input": "Find x"},
  "input": {"id": "chatcmpl-9", "object": "chat.completion", "created": 1700000000, "model": "gpt-up",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": "Looking.",
              "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"x\"}"}}]}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_tokens_details": {"cached_tokens": 40}, "completion_tokens_details": {"reasoning_tokens": 5}}}})
w(C2R, "err-429-quota", {"kind": "error", "from": "openai-chat", "to": "openai-responses", "status": 429,
  "input": {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}},
  "expected": {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}},
  "expected_status": 429})
