package apxlate

import (
	"bytes"
	"strings"
	"testing"
)

// Fail ends the client stream in its format, mid-stream and after a translation error.
func TestStreamFailEndsTheClientStream(t *testing.T) {
	tr := mustTranslator(t, "{}")
	chunk := `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}` + "\n\n"
	var out bytes.Buffer
	s, err := tr.NewStream(nil, OpenAIChat, OpenAIResponses, &out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte(chunk + "data: {bad")); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(502, "upstream broke"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "event: error\ndata: {\"type\":\"error\",\"sequence_number\":") ||
		!strings.HasSuffix(strings.TrimSpace(got), "}}") || !strings.Contains(got, "event: response.failed") ||
		strings.Contains(got, "{bad") {
		t.Fatalf("unexpected ending:\n%s", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	s, err = tr.NewStream(nil, OpenAIChat, Anthropic, &out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte(chunk + "data: {bad json\n\n")); err == nil {
		t.Fatal("bad data accepted")
	}
	if err := s.Fail(504, "timed out"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"timed out\"}}\n\n") &&
		!strings.HasSuffix(out.String(), "\"message\":\"timed out\"}}\n\n") {
		t.Fatalf("unexpected ending:\n%s", out.String())
	}
	s.Close()
}
