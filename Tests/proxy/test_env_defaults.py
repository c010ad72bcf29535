"""Routes from the environment alone (the README quick start): no config file."""
import anthropic
import openai

from mock_upstreams import Reply, anthropic_message, chat_completion

MSG = [{"role": "user", "content": "hi"}]


def test_claude_code_setup_on_openai(make_proxy, openai_mock):
    p = make_proxy(env={"OPENAI_API_KEY": "sk-env-openai-4444", "OPENAI_BASE_URL": openai_mock.base_url,
                        "BIG_MODEL": "gpt-env-big", "SMALL_MODEL": "gpt-env-small"}).wait_ready()
    c = anthropic.Anthropic(base_url=p.url, api_key="anything", max_retries=0)
    openai_mock.queue(Reply(body=chat_completion(text="big")), Reply(body=chat_completion(text="small")))
    assert c.messages.create(model="claude-opus-4-1", max_tokens=10, messages=MSG).content[0].text == "big"
    assert c.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=MSG).content[0].text == "small"
    assert [r.json["model"] for r in openai_mock.requests] == ["gpt-env-big", "gpt-env-small"]
    assert openai_mock.requests[0].headers["authorization"] == "Bearer sk-env-openai-4444"
    assert "sk-env-openai-4444" not in p.logs()


def test_openai_client_reaching_claude(make_proxy, anthropic_mock):
    p = make_proxy(env={"ANTHROPIC_API_KEY": "sk-ant-env-5555", "ANTHROPIC_BASE_URL": anthropic_mock.base_url}).wait_ready()
    anthropic_mock.queue(Reply(body=anthropic_message(text="Claude here")))
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="anything", max_retries=0)
    r = c.chat.completions.create(model="claude-sonnet-4-5", messages=MSG)
    assert r.choices[0].message.content == "Claude here"
    up = anthropic_mock.requests[0]
    assert up.json["model"] == "claude-sonnet-4-5"
    assert up.headers["x-api-key"] == "sk-ant-env-5555"


def test_pass_client_key(make_proxy, openai_mock):
    p = make_proxy(env={"OPENAI_BASE_URL": openai_mock.base_url}, args=["--pass-client-key"]).wait_ready()
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="client-own-key-6666", max_retries=0)
    c.chat.completions.create(model="gpt-4o", messages=MSG)
    assert openai_mock.requests[0].headers["authorization"] == "Bearer client-own-key-6666"


def test_without_pass_client_key_the_client_key_stays_here(make_proxy, openai_mock):
    p = make_proxy(env={"OPENAI_BASE_URL": openai_mock.base_url}).wait_ready()
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="client-own-key-7777", max_retries=0)
    c.chat.completions.create(model="gpt-4o", messages=MSG)
    assert "authorization" not in openai_mock.requests[0].headers


def test_anthropic_base_url_pointing_at_the_proxy_is_ignored(make_proxy):
    from conftest import free_port
    port = free_port()
    p = make_proxy(env={"ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}"}, port=port).wait_ready()
    assert "points at this proxy" in p.logs()
