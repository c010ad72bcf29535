package apxlate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const mapConfig = `{"models":{"map":{"claude-sonnet-4-5":"gpt-4.1"}}}`

const anthropicRequest = `{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,` +
	`"messages":[{"role":"user","content":"Hello \u00e9\ud83d\ude00"}]}`

func mustTranslator(t testing.TB, config string) *Translator {
	t.Helper()
	tr, err := NewTranslator([]byte(config))
	if err != nil {
		t.Fatalf("NewTranslator: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func TestVersionAndFormats(t *testing.T) {
	if Version() == "" || ABIVersion() != HeaderABIVersion {
		t.Fatalf("version %q abi %d header %d", Version(), ABIVersion(), HeaderABIVersion)
	}
	for _, name := range []string{"anthropic", "openai-chat", "openai-responses"} {
		f, err := ParseFormat(name)
		if err != nil || f.String() != name {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("openai"); err == nil {
		t.Error("ParseFormat(openai) should fail")
	}
}

// Same format on both sides keeps every byte but the mapped model name, and the exchange
// remembers both names.
func TestPassthroughRequestMapsModel(t *testing.T) {
	tr := mustTranslator(t, mapConfig)
	out, ex, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(anthropicRequest))
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	want := bytes.Replace([]byte(anthropicRequest), []byte(`"claude-sonnet-4-5"`), []byte(`"gpt-4.1"`), 1)
	if !bytes.Equal(out.Body, want) {
		t.Fatalf("body\n got %s\nwant %s", out.Body, want)
	}
	if ex.ClientModel() != "claude-sonnet-4-5" || ex.UpstreamModel() != "gpt-4.1" {
		t.Errorf("models %q -> %q", ex.ClientModel(), ex.UpstreamModel())
	}
	if !ex.Stream() || ex.ClientFormat() != Anthropic || ex.UpstreamFormat() != Anthropic || ex.InputTokens() <= 0 {
		t.Errorf("exchange stream=%v formats %v/%v tokens %d", ex.Stream(), ex.ClientFormat(), ex.UpstreamFormat(), ex.InputTokens())
	}
	// The response gets the client's model name back.
	resp, err := tr.TranslateResponse(ex, FormatNone, FormatNone, []byte(`{"id":"m","model":"gpt-4.1","content":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"id":"m","model":"claude-sonnet-4-5","content":[]}` {
		t.Errorf("response %s", resp.Body)
	}
}

func TestErrorsCarryCodeOffsetAndPath(t *testing.T) {
	tr := mustTranslator(t, "{}")
	_, _, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(`{"model": }`))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeJSON || e.Offset < 0 || e.Message == "" {
		t.Fatalf("bad JSON: %#v", err)
	}
	if !errors.Is(err, &Error{Code: CodeJSON}) || errors.Is(err, &Error{Code: CodeInvalid}) {
		t.Error("errors.Is by code")
	}
	_, _, err = tr.TranslateRequest(Anthropic, Anthropic, []byte(`{"model": 5}`))
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Path != "model" {
		t.Fatalf("bad model: %#v", err)
	}
	_, err = NewTranslator([]byte(`{"upstream":{"max_tokens_field":"tokens"}}`))
	if !errors.As(err, &e) || e.Code != CodeConfig || e.Path != "upstream.max_tokens_field" {
		t.Fatalf("bad config: %#v", err)
	}
	if _, _, err = tr.TranslateRequest(Format(9), Anthropic, []byte(`{}`)); !errors.Is(err, &Error{Code: CodeArgument}) {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestErrorTranslationAndBuild(t *testing.T) {
	tr := mustTranslator(t, "{}")
	out, err := tr.TranslateError(nil, OpenAIChat, Anthropic, 429,
		[]byte(`{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Type  string `json:"type"`
		Error struct{ Type, Message string }
	}
	if json.Unmarshal(out.Body, &body) != nil || body.Type != "error" || body.Error.Type != "rate_limit_error" ||
		body.Error.Message != "slow down" || out.HTTPStatus != 429 {
		t.Fatalf("translated error %d %s", out.HTTPStatus, out.Body)
	}
	// Not JSON at all still gives a client-format error.
	out, err = tr.TranslateError(nil, OpenAIChat, Anthropic, 502, []byte("<html>bad gateway</html>"))
	if err != nil || json.Unmarshal(out.Body, &body) != nil || body.Type != "error" || out.HTTPStatus == 0 {
		t.Fatalf("html error: %v %d %s", err, out.HTTPStatus, out.Body)
	}
	out, err = BuildError(Anthropic, 504, "upstream timed out")
	if err != nil || json.Unmarshal(out.Body, &body) != nil || body.Error.Message != "upstream timed out" || out.HTTPStatus != 504 {
		t.Fatalf("build: %v %d %s", err, out.HTTPStatus, out.Body)
	}
}

func TestCloseIsIdempotentAndUseAfterCloseFails(t *testing.T) {
	tr, err := NewTranslator(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, ex, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(anthropicRequest))
	if err != nil {
		t.Fatal(err)
	}
	ex.Close()
	ex.Close()
	if _, err := tr.TranslateResponse(ex, FormatNone, FormatNone, []byte(`{}`)); !errors.Is(err, &Error{Code: CodeClosed}) {
		t.Errorf("closed exchange: %v", err)
	}
	if ex.ClientModel() != "" {
		t.Error("closed exchange still answers")
	}
	tr.Close()
	tr.Close()
	if _, _, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(`{}`)); !errors.Is(err, &Error{Code: CodeClosed}) {
		t.Errorf("closed translator: %v", err)
	}
}

// Handles dropped without Close are freed by their finalisers; nothing crashes.
func TestFinalizersFreeForgottenHandles(t *testing.T) {
	for i := 0; i < 200; i++ {
		tr, err := NewTranslator([]byte(mapConfig))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(anthropicRequest)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
}

// Many goroutines share one translator; each gets its own correct result.
func TestConcurrentUseOfOneTranslator(t *testing.T) {
	tr := mustTranslator(t, mapConfig)
	const goroutines, rounds = 32, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				text := fmt.Sprintf("goroutine %d round %d", g, i)
				req := fmt.Sprintf(`{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":%q}]}`, text)
				out, ex, err := tr.TranslateRequest(Anthropic, Anthropic, []byte(req))
				if err != nil {
					errs <- err
					return
				}
				want := bytes.Replace([]byte(req), []byte("claude-sonnet-4-5"), []byte("gpt-4.1"), 1)
				if !bytes.Equal(out.Body, want) || ex.UpstreamModel() != "gpt-4.1" {
					errs <- fmt.Errorf("goroutine %d: got %s", g, out.Body)
					return
				}
				e, err := tr.TranslateError(nil, OpenAIChat, Anthropic, 400+i%100,
					[]byte(fmt.Sprintf(`{"error":{"message":%q}}`, text)))
				ex.Close()
				if err != nil || !bytes.Contains(e.Body, []byte(text)) {
					errs <- fmt.Errorf("goroutine %d: error %v %s", g, err, e.Body)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The stream writer against every ordering of upstream bytes is covered by the stream fixtures;
// this checks the writer's own contract (sticky errors, Close frees, Close twice).
func TestStreamWriterContract(t *testing.T) {
	tr := mustTranslator(t, "{}")
	var out bytes.Buffer
	s, err := tr.NewStream(nil, OpenAIChat, Anthropic, &out)
	failIfPlaceholder(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("data: {not json}\n\n")); err == nil {
		t.Fatal("a malformed chunk should fail the stream")
	}
	first := s.Flush()
	if first == nil {
		t.Fatal("the error should stick")
	}
	if _, err := s.Write([]byte("data: [DONE]\n\n")); err != first {
		t.Errorf("Write after error: %v", err)
	}
	if err := s.Close(); err != first {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != first {
		t.Errorf("second Close: %v", err)
	}
}

// flushRecorder records what had been written at each Flush (as http.ResponseWriter would send).
type flushRecorder struct {
	bytes.Buffer
	flushed []string
}

func (f *flushRecorder) Flush() { f.flushed = append(f.flushed, f.String()) }

// chunkReader returns its pieces one Read at a time.
type chunkReader struct{ pieces []string }

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.pieces[0])
	c.pieces[0] = c.pieces[0][n:]
	if c.pieces[0] == "" {
		c.pieces = c.pieces[1:]
	}
	return n, nil
}

// io.Copy into a Stream flushes the destination after every upstream read: a complete event
// reaches the client before the upstream sends the next one.
func TestStreamReadFromFlushesEachEvent(t *testing.T) {
	tr := mustTranslator(t, "{}")
	var dst flushRecorder
	s, err := tr.NewStream(nil, OpenAIChat, Anthropic, &dst)
	failIfPlaceholder(t, err)
	if err != nil {
		t.Fatal(err)
	}
	first := "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
	second := "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
	n, err := io.Copy(s, &chunkReader{pieces: []string{first[:10], first[10:], second}})
	if err != nil || n != int64(len(first)+len(second)) {
		t.Fatalf("copy: %d %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(dst.flushed) != 3 || dst.flushed[0] != "" {
		t.Fatalf("flushes: %q", dst.flushed)
	}
	if !strings.Contains(dst.flushed[1], `"text":"Hel"`) || strings.Contains(dst.flushed[1], `"text":"lo"`) {
		t.Errorf("after the first event: %q", dst.flushed[1])
	}
	if !strings.Contains(dst.String(), `"text":"lo"`) || !strings.HasSuffix(dst.String(), "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n") {
		t.Errorf("the whole stream: %q", dst.String())
	}
}
