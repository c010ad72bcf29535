package apxlate

import (
	"bytes"
	"errors"
	"testing"
)

func TestRequestModel(t *testing.T) {
	tr := mustTranslator(t, "{}")
	m, err := tr.RequestModel(Anthropic, []byte(`{"max_tokens":1,"model":"claude-\u00e9","messages":[]}`))
	if err != nil || m != "claude-\u00e9" {
		t.Fatalf("got %q, %v", m, err)
	}
	for body, want := range map[string]Code{`{"model":1}`: CodeInvalid, `{}`: CodeInvalid, `{"model":"m"`: CodeJSON, `[]`: CodeInvalid} {
		_, err := tr.RequestModel(OpenAIChat, []byte(body))
		var e *Error
		if !errors.As(err, &e) || e.Code != want {
			t.Errorf("%s: got %v, want code %v", body, err, want)
		}
	}
}

func TestResponseUsage(t *testing.T) {
	tr := mustTranslator(t, "{}")
	u, err := tr.ResponseUsage(Anthropic, []byte(`{"model":"claude-x","content":[],"usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":7}}`))
	if err != nil || u != (Usage{115, 7, 100, 5, -1, "claude-x"}) {
		t.Fatalf("got %+v, %v", u, err)
	}
	u, err = tr.ResponseUsage(OpenAIResponses, []byte(`{"output":[]}`))
	if err != nil || u != (Usage{-1, -1, -1, -1, -1, ""}) {
		t.Fatalf("no usage: got %+v, %v", u, err)
	}
	var e *Error
	if _, err := tr.ResponseUsage(OpenAIChat, []byte(`{"usage":{"prompt_tokens":-1}}`)); !errors.As(err, &e) || e.Path != "usage.prompt_tokens" {
		t.Fatalf("negative count: %v", err)
	}
}

func TestStreamUsage(t *testing.T) {
	tr := mustTranslator(t, "{}")
	sse := `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}` + "\n\n" +
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}` + "\n\n" +
		"data: [DONE]\n\n"
	var out bytes.Buffer
	s, err := tr.NewStream(nil, OpenAIChat, Anthropic, &out)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := s.Usage(); err != nil || u.InputTokens != -1 || u.Model != "" {
		t.Fatalf("before: %+v, %v", u, err)
	}
	for i := 0; i < len(sse); i++ {
		if _, err := s.Write([]byte(sse[i : i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Usage(); err != nil || u != (Usage{5, 2, 0, 0, -1, "gpt-4o"}) {
		t.Fatalf("after close: %+v, %v", u, err)
	}
}
