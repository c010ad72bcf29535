package apxlate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apxlate "github.com/apxlate/apxlate/bindings/go"
)

// The Transport tests use a plain http.Client as the SDK would (no official Go SDK can be had
// offline here), against loopback mock upstreams.

// chatUpstream is an OpenAI Chat Completions mock. Streams send their first chunk, then wait
// for gate (when not nil) before the rest, so a test can see the first event arrive alone.
func chatUpstream(t *testing.T, gate chan struct{}) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-up" || r.Header.Get("X-Api-Key") != "" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var req map[string]any
		json.Unmarshal(body, &req)
		if req["model"] != "gpt-up" {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"message":"The model does not exist","type":"invalid_request_error","code":"model_not_found"}}`)
			return
		}
		if req["stream"] == true {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-up","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}`+"\n\n")
			w.(http.Flusher).Flush()
			if gate != nil {
				select {
				case <-gate:
				case <-time.After(5 * time.Second):
					return
				}
			}
			io.WriteString(w, `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-up","choices":[{"index":0,"delta":{"content":"lo!"},"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if req["tools"] != nil {
			io.WriteString(w, `{"id":"c2","object":"chat.completion","created":1,"model":"gpt-up","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}}`)
			return
		}
		io.WriteString(w, `{"id":"c3","object":"chat.completion","created":1,"model":"gpt-up","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`)
	}))
}

// anthropicUpstream is an Anthropic Messages mock answering with the fixture stream or a message.
func anthropicUpstream(t *testing.T) *httptest.Server {
	sse, err := os.ReadFile(filepath.Join(fixturesDir(), "anthropic-openai-chat", "stream-text", "input.sse"))
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/messages" || r.Header.Get("X-Api-Key") != "sk-ant" || r.Header.Get("Authorization") != "" ||
			r.Header.Get("Anthropic-Version") == "" {
			w.WriteHeader(401)
			io.WriteString(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"overload-me"`)) {
			w.WriteHeader(529)
			io.WriteString(w, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`)
			return
		}
		if bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write(sse)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if bytes.Contains(body, []byte(`"tools"`)) {
			io.WriteString(w, `{"id":"msg_2","type":"message","role":"assistant","model":"claude-up","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":9}}`)
			return
		}
		io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-up","content":[{"type":"text","text":"Hello there"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}`)
	}))
}

func fixturesDir() string { return filepath.Join("..", "..", "Tests", "Fixtures") }

func newTransportClient(t *testing.T, upstream string, format apxlate.Format, key, config string) *http.Client {
	tr, err := apxlate.NewTranslator([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return &http.Client{Transport: &apxlate.Transport{Translator: tr, Upstream: upstream, UpstreamFormat: format, APIKey: key}}
}

// post sends body to the client-side URL (any host: the transport contacts only the upstream).
func post(t *testing.T, c *http.Client, url string, header map[string]string, body string) (*http.Response, string) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

var anthropicClient = map[string]string{"x-api-key": "sk-client-not-for-upstream", "anthropic-version": "2023-06-01"}

func TestTransportAnthropicClientToChat(t *testing.T) {
	up := chatUpstream(t, nil)
	defer up.Close()
	c := newTransportClient(t, up.URL+"/v1", apxlate.OpenAIChat, "sk-up", `{"models":{"default":"gpt-up"}}`)
	const msgs = "https://api.anthropic.com/v1/messages"

	resp, out := post(t, c, msgs, anthropicClient, `{"model":"claude-x","max_tokens":99,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"text":"Hi!"`) || !strings.Contains(out, `"model":"claude-x"`) ||
		resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("json: %d %s", resp.StatusCode, out)
	}

	resp, out = post(t, c, msgs+"?beta=true", anthropicClient, `{"model":"claude-x","max_tokens":99,
		"tools":[{"name":"get_weather","description":"w","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
		"messages":[{"role":"user","content":"Weather in Paris?"}]}`)
	var m struct {
		StopReason string `json:"stop_reason"`
		Content    []struct {
			Type, Name string
			Input      map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil || resp.StatusCode != 200 || m.StopReason != "tool_use" ||
		len(m.Content) != 1 || m.Content[0].Type != "tool_use" || m.Content[0].Name != "get_weather" || m.Content[0].Input["city"] != "Paris" {
		t.Errorf("tools: %d %s", resp.StatusCode, out)
	}

	resp, out = post(t, c, msgs, anthropicClient, `{"model":"claude-x","messages":"no"}`)
	if resp.StatusCode != 400 || !strings.Contains(out, `"invalid_request_error"`) || !strings.Contains(out, "messages") {
		t.Errorf("bad request: %d %s", resp.StatusCode, out)
	}

	resp, out = post(t, c, msgs+"/count_tokens", anthropicClient, `{"model":"claude-x","messages":[{"role":"user","content":"Hello, how are you today?"}]}`)
	if resp.StatusCode != 200 || !strings.HasPrefix(out, `{"input_tokens":`) {
		t.Errorf("count_tokens: %d %s", resp.StatusCode, out)
	}
}

// The stream is translated as it arrives: the client reads message_start and the first text
// delta while the upstream still holds back the rest of its answer.
func TestTransportStreamChunkByChunk(t *testing.T) {
	gate := make(chan struct{})
	up := chatUpstream(t, gate)
	defer up.Close()
	c := newTransportClient(t, up.URL+"/v1", apxlate.OpenAIChat, "sk-up", `{"models":{"default":"gpt-up"}}`)
	req, _ := http.NewRequest("POST", "http://anthropic.invalid/v1/messages",
		strings.NewReader(`{"model":"claude-x","max_tokens":99,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(resp.Body)
	var early strings.Builder
	for !strings.Contains(early.String(), `"text":"Hel"`) {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("before the upstream's second chunk: %v after %q", err, early.String())
		}
		early.WriteString(line)
	}
	if !strings.HasPrefix(early.String(), "event: message_start\n") || !strings.Contains(early.String(), `"model":"claude-x"`) {
		t.Errorf("first events: %q", early.String())
	}
	close(gate)
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rest), `"text":"lo!"`) || !strings.HasSuffix(string(rest), "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n") ||
		strings.Contains(string(rest), "[DONE]") {
		t.Errorf("rest: %q", rest)
	}
}

func TestTransportOpenAIClientsToAnthropic(t *testing.T) {
	up := anthropicUpstream(t)
	defer up.Close()
	c := newTransportClient(t, up.URL+"/v1", apxlate.Anthropic, "sk-ant", `{"models":{"default":"claude-up"}}`)
	openai := map[string]string{"Authorization": "Bearer sk-client-not-for-upstream"}

	resp, out := post(t, c, "https://api.openai.com/v1/chat/completions", openai, `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"content":"Hello there"`) || !strings.Contains(out, `"model":"gpt-4o"`) {
		t.Errorf("chat json: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, c, "https://api.openai.com/v1/chat/completions", openai, `{"model":"gpt-4o","messages":[{"role":"user","content":"Weather?"}],
		"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"finish_reason":"tool_calls"`) || !strings.Contains(out, `"name":"get_weather"`) ||
		!strings.Contains(out, `"arguments":"{\"city\":\"Paris\"}"`) {
		t.Errorf("chat tools: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, c, "https://api.openai.com/v1/chat/completions", openai, `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"content":"Hello"`) || !strings.HasSuffix(out, "data: [DONE]\n\n") {
		t.Errorf("chat stream: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, c, "https://api.openai.com/v1/responses", openai, `{"model":"gpt-4o","input":"Hi","stream":true}`)
	if resp.StatusCode != 200 || !strings.Contains(out, "event: response.output_text.delta") || !strings.Contains(out, "event: response.completed") {
		t.Errorf("responses stream: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, c, "https://api.openai.com/v1/responses", openai, `{"model":"gpt-4o","input":"Hi"}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"object":"response"`) || !strings.Contains(out, `"text":"Hello there"`) {
		t.Errorf("responses json: %d %s", resp.StatusCode, out)
	}
}

func TestTransportErrors(t *testing.T) {
	up := anthropicUpstream(t)
	defer up.Close()
	// an upstream error: Anthropic's 529 as the Chat client's error, with the status the library
	// gives it for that client (503: OpenAI has no 529)
	c := newTransportClient(t, up.URL+"/v1", apxlate.Anthropic, "sk-ant", `{}`)
	resp, out := post(t, c, "http://x/v1/chat/completions", nil, `{"model":"overload-me","messages":[{"role":"user","content":"Hi"}]}`)
	var e struct {
		Error struct{ Message, Type string }
	}
	if json.Unmarshal([]byte(out), &e) != nil || resp.StatusCode != 503 || e.Error.Message != "Overloaded" {
		t.Errorf("upstream 529: %d %s", resp.StatusCode, out)
	}
	// the wrong key: the upstream's 401 as an Anthropic authentication_error
	chat := chatUpstream(t, nil)
	defer chat.Close()
	c = newTransportClient(t, chat.URL+"/v1", apxlate.OpenAIChat, "sk-wrong", `{"models":{"default":"gpt-up"}}`)
	resp, out = post(t, c, "http://x/v1/messages", anthropicClient, `{"model":"claude-x","max_tokens":9,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 401 || !strings.Contains(out, `"type":"error"`) || !strings.Contains(out, `"authentication_error"`) {
		t.Errorf("upstream 401: %d %s", resp.StatusCode, out)
	}
	// no upstream at all: a 502 in the client's format
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	c = newTransportClient(t, deadURL+"/v1", apxlate.OpenAIChat, "sk-up", `{}`)
	resp, out = post(t, c, "http://x/v1/messages", anthropicClient, `{"model":"claude-x","max_tokens":9,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 502 || !strings.Contains(out, `"type":"error"`) || !strings.Contains(out, "could not be reached") {
		t.Errorf("unreachable: %d %s", resp.StatusCode, out)
	}
	// an endpoint with no translation
	resp, out = post(t, c, "http://x/v1/embeddings", map[string]string{"Authorization": "Bearer k"}, `{}`)
	if resp.StatusCode != 404 || !strings.Contains(out, `"error"`) {
		t.Errorf("unknown endpoint: %d %s", resp.StatusCode, out)
	}
}

// An upstream that breaks off mid-stream: the Anthropic client's stream ends with an `error`
// event after what arrived, not with message_stop.
func TestTransportBrokenStream(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-up","choices":[{"index":0,"delta":{"role":"assistant","content":"Part"},"finish_reason":null}]}`+"\n\n")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // no terminating chunk: the client's read fails
		}
	}))
	defer up.Close()
	c := newTransportClient(t, up.URL+"/v1", apxlate.OpenAIChat, "sk-up", `{}`)
	resp, out := post(t, c, "http://x/v1/messages", anthropicClient, `{"model":"claude-x","max_tokens":9,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"text":"Part"`) || !strings.Contains(out, "event: error\n") ||
		strings.Contains(out, "message_stop") {
		t.Errorf("broken stream: %d %s", resp.StatusCode, out)
	}
}

// An Anthropic client on a Responses upstream, answers taken from the golden fixtures.
func TestTransportAnthropicClientToResponses(t *testing.T) {
	dir := filepath.Join(fixturesDir(), "openai-responses-anthropic")
	sse, err := os.ReadFile(filepath.Join(dir, "stream-text", "input.sse"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Input json.RawMessage }
	b, err := os.ReadFile(filepath.Join(dir, "resp-reasoning-text-tool", "case.json"))
	if err != nil || json.Unmarshal(b, &c) != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/responses" || r.Header.Get("Authorization") != "Bearer sk-up" || !bytes.Contains(body, []byte(`"input"`)) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"not a Responses request","type":"invalid_request_error"}}`)
			return
		}
		if bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write(sse)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(c.Input)
	}))
	defer up.Close()
	cl := newTransportClient(t, up.URL+"/v1", apxlate.OpenAIResponses, "sk-up", `{"models":{"default":"gpt-5"}}`)
	resp, out := post(t, cl, "http://x/v1/messages", anthropicClient, `{"model":"claude-x","max_tokens":99,
		"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"weather?"}]}`)
	if resp.StatusCode != 200 || !strings.Contains(out, `"type":"thinking"`) || !strings.Contains(out, `"name":"get_weather"`) ||
		!strings.Contains(out, `"stop_reason":"tool_use"`) || !strings.Contains(out, `"model":"claude-x"`) {
		t.Errorf("json: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, cl, "http://x/v1/messages", anthropicClient, `{"model":"claude-x","max_tokens":99,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	if resp.StatusCode != 200 || !strings.HasPrefix(out, "event: message_start\n") || !strings.Contains(out, "text_delta") ||
		!strings.HasSuffix(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n") {
		t.Errorf("stream: %d %s", resp.StatusCode, out)
	}
}
