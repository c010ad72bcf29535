package apxlate_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	apxlate "github.com/apxlate/apxlate/bindings/go"
)

// The README's Go snippet: an Anthropic client's request for an OpenAI-compatible upstream,
// the upstream's answer and error back in Anthropic's format.
func Example() {
	tr, err := apxlate.NewTranslator([]byte(`{"models": {"map": {"claude-sonnet-4-5": "gpt-4.1"}}}`))
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()

	// Client (Anthropic Messages) -> upstream (OpenAI Chat Completions).
	req, ex, err := tr.TranslateRequest(apxlate.Anthropic, apxlate.OpenAIChat, []byte(
		`{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}`))
	if err != nil {
		log.Fatal(err) // an *apxlate.Error: Code, Message, Path ("messages[0].content"), Offset
	}
	defer ex.Close()
	fmt.Println(ex.UpstreamModel(), strings.Contains(string(req.Body), `"messages":[{"role":"user","content":"Hi"}]`))

	// The upstream's response -> the client's format (FormatNone: taken from the exchange).
	resp, err := tr.TranslateResponse(ex, apxlate.FormatNone, apxlate.FormatNone, []byte(
		`{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,`+
			`"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(resp.Body))

	// An upstream error -> the client's error body and HTTP status.
	e, err := tr.TranslateError(ex, apxlate.FormatNone, apxlate.FormatNone, 429,
		[]byte(`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.HTTPStatus, string(e.Body))

	// Bad input is an error that says where.
	_, _, err = tr.TranslateRequest(apxlate.Anthropic, apxlate.OpenAIChat, []byte(`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}`))
	var ae *apxlate.Error
	if errors.As(err, &ae) {
		fmt.Println(ae.Code, ae.Path)
	}
	// Output:
	// gpt-4.1 true
	// {"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}}
	// 429 {"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached"}}
	// invalid document messages[0].content
}

// Streams: write the upstream's SSE bytes in (any split), the client's SSE comes out to the
// destination, e.g. an http.ResponseWriter (Flush also flushes it). Close ends the client stream.
func ExampleTranslator_NewStream() {
	tr, err := apxlate.NewTranslator(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()
	_, ex, err := tr.TranslateRequest(apxlate.Anthropic, apxlate.OpenAIChat, []byte(
		`{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	defer ex.Close()

	s, err := tr.NewStream(ex, apxlate.FormatNone, apxlate.FormatNone, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	upstream := strings.NewReader("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\"," +
		"\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":\"stop\"}]}\n\n" +
		"data: [DONE]\n\n")
	if _, err := io.Copy(s, upstream); err != nil { // in a server: io.Copy(s, upstreamResp.Body)
		log.Fatal(err)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
}
