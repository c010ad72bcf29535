"""The OpenAI Agents SDK (PyPI openai-agents) on Claude through `apxlate serve`, and on a Chat
model through the nginx module: an Agent with a function tool, a namespaced function tool
(`tool_namespace`) and a custom tool (raw string input with a grammar), run with `Runner.run`
(JSON answers) and `Runner.run_streamed` (SSE).

The OpenAI client has retries off, so each model turn must be exactly one upstream request;
a stream event the SDK cannot parse fails the run, and the streamed events are checked too."""
import asyncio

import pytest

from turns import anthropic_turn, chat_turn

agents = pytest.importorskip("agents")
openai = pytest.importorskip("openai")

from agents import (Agent, CustomTool, OpenAIResponsesModel, Runner, function_tool,  # noqa: E402
                    set_tracing_disabled, tool_namespace)

set_tracing_disabled(True)  # traces would go to api.openai.com

SQL_GRAMMAR = "SELECT [a-z0-9_, ]+ FROM [a-z_]+"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch, egress_trap):
    """The SDK's HTTP clients (created in the test) send anything but loopback to the trap."""
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(k, egress_trap.url)
    for k in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(k, "127.0.0.1,localhost")


def make_agent(base_url, model, ran):
    @function_tool
    def get_weather(city: str) -> str:
        """The current weather in a city."""
        ran.append(("get_weather", city))
        return f"Sunny in {city}, 21 C"

    @function_tool
    def lookup_order(order_id: str) -> str:
        """The status of an order."""
        ran.append(("crm.lookup_order", order_id))
        return f"Order {order_id} shipped"

    def run_sql(_ctx, query: str) -> str:
        ran.append(("run_sql", query))
        return "42 rows"

    sql = CustomTool(name="run_sql", description="Runs one SQL query.", on_invoke_tool=run_sql,
                     format={"type": "grammar", "syntax": "regex", "definition": SQL_GRAMMAR})
    crm = tool_namespace(name="crm", description="Customer records.", tools=[lookup_order])
    client = openai.AsyncOpenAI(base_url=base_url, api_key="client-key", max_retries=0, timeout=30)
    return Agent(name="assistant", instructions="Answer with the tools.", tools=[get_weather, *crm, sql],
                 model=OpenAIResponsesModel(model=model, openai_client=client))


PROMPT = "Weather in Paris, status of order A-17, and how many users?"
EXPECTED_RAN = [("get_weather", "Paris"), ("crm.lookup_order", "A-17"), ("run_sql", "SELECT count FROM users")]
CALLS = [("get_weather", {"city": "Paris"}), ("crm__lookup_order", {"order_id": "A-17"}),
         ("run_sql", {"input": "SELECT count FROM users"})]
ANSWER = "Sunny in Paris; A-17 shipped; 42 rows."


def anthropic_script(mock, seen, quirks=False):
    def script(rec):
        last = rec.json["messages"][-1]
        results = [b for b in last["content"] if isinstance(last["content"], list) and b.get("type") == "tool_result"]
        if not results:
            seen["tools"] = {t["name"]: t for t in rec.json["tools"]}
            reply, ids, _ = anthropic_turn(mock, rec, thinking="Three lookups.", tool_uses=CALLS, quirks=quirks)
            seen["ids"] = ids
            return reply
        seen["results"] = {b["tool_use_id"]: b["content"] for b in results}
        return anthropic_turn(mock, rec, text=ANSWER, quirks=quirks)[0]
    return script


def check_anthropic_side(mock, seen):
    assert not mock.violations, mock.violations
    assert len(mock.requests) == 2, [r.json.get("stream") for r in mock.requests]  # one request per turn
    tools = seen["tools"]
    assert {"get_weather", "crm__lookup_order", "run_sql"} <= set(tools)
    assert "Customer records." in tools["crm__lookup_order"]["description"]
    assert SQL_GRAMMAR in tools["run_sql"]["input_schema"]["properties"]["input"]["description"]
    results = seen["results"]
    assert list(results) == seen["ids"]  # every call answered, in order
    text = [str(results[i]) for i in seen["ids"]]
    assert "Sunny in Paris" in text[0] and "A-17 shipped" in text[1] and "42 rows" in text[2]


def test_runner_run_on_claude(proxy, anthropic_mock):
    seen, ran = {}, []
    anthropic_mock.script = anthropic_script(anthropic_mock, seen)
    agent = make_agent(proxy.url + "/v1", "claude-sonnet-4-5", ran)
    result = asyncio.run(Runner.run(agent, PROMPT))
    assert result.final_output == ANSWER
    assert sorted(ran) == sorted(EXPECTED_RAN)  # the SDK runs the calls concurrently
    check_anthropic_side(anthropic_mock, seen)
    assert all(not r.json.get("stream") for r in anthropic_mock.requests)


async def run_streamed(agent):
    """Runner.run_streamed; returns (result, raw Responses events per model turn)."""
    result = Runner.run_streamed(agent, PROMPT)
    turns = []
    async for event in result.stream_events():
        if event.type != "raw_response_event":
            continue
        data = event.data
        if data.type == "response.created":
            turns.append([])
        turns[-1].append(data)
    return result, turns


def check_events(turns):
    """Each turn's raw events: sequence numbers from 0 without a gap, opened by
    response.created, closed by response.completed, and the calls' items complete."""
    for events in turns:
        assert [e.sequence_number for e in events] == list(range(len(events)))
        assert events[0].type == "response.created" and events[-1].type == "response.completed"
    done = [e.item for e in turns[0] if e.type == "response.output_item.done"]
    kinds = [(i.type, i.name, getattr(i, "namespace", None)) for i in done if i.type != "reasoning"]
    assert kinds == [("function_call", "get_weather", None), ("function_call", "lookup_order", "crm"),
                     ("custom_tool_call", "run_sql", None)], kinds
    deltas = "".join(e.delta for e in turns[0] if e.type == "response.custom_tool_call_input.delta")
    assert deltas == "SELECT count FROM users"


@pytest.mark.parametrize("quirks", [False, True], ids=["deltas", "ping-first-input-in-start"])
def test_runner_run_streamed_on_claude(proxy, anthropic_mock, quirks):
    seen, ran = {}, []
    anthropic_mock.script = anthropic_script(anthropic_mock, seen, quirks)
    agent = make_agent(proxy.url + "/v1", "claude-sonnet-4-5", ran)
    result, turns = asyncio.run(run_streamed(agent))
    assert result.final_output == ANSWER
    assert sorted(ran) == sorted(EXPECTED_RAN)  # the SDK runs the calls concurrently
    check_anthropic_side(anthropic_mock, seen)
    assert all(r.json.get("stream") is True for r in anthropic_mock.requests)
    assert len(turns) == 2
    check_events(turns)


def test_runner_run_streamed_through_nginx(nginx, chat_mock):
    ran, seen = [], {}

    def script(rec):
        tool_msgs = [m for m in rec.json["messages"] if m["role"] == "tool"]
        if not tool_msgs:
            seen["tools"] = [t["function"]["name"] for t in rec.json["tools"]]
            reply, ids = chat_turn(rec, tool_calls=CALLS)
            seen["ids"] = ids
            return reply
        seen["results"] = {m["tool_call_id"]: m["content"] for m in tool_msgs}
        return chat_turn(rec, text=ANSWER)[0]

    chat_mock.script = script
    agent = make_agent(nginx.url + "/v1", "chat-agents", ran)
    result, turns = asyncio.run(run_streamed(agent))
    assert not chat_mock.violations, chat_mock.violations
    assert result.final_output == ANSWER
    assert sorted(ran) == sorted(EXPECTED_RAN)  # the SDK runs the calls concurrently
    assert len(chat_mock.requests) == 2
    assert {"get_weather", "crm__lookup_order", "run_sql"} <= set(seen["tools"])
    assert list(seen["results"]) == seen["ids"]
    check_events(turns)
