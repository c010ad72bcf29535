package apxlate

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// Benchmarks: `go test -run '^$' -bench . -benchmem` (bindings/go/bench.sh prints the table).
// The same documents as Tests/bench (a ~50 KB Claude Code-like request, a tiny request, an
// upstream error, an SSE stream), so rows compare with C, Python and nginx.

// benchRequest builds an Anthropic request of about size bytes: a system prompt, tools with
// schemas, and a conversation with tool use, like Claude Code sends.
func benchRequest(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"model":"claude-sonnet-4-5","max_tokens":4096,"stream":false,"system":[{"type":"text","text":"You are a coding agent."}],"tools":[`)
	for i := 0; i < 8; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"tool_%d","description":"Does thing %d to files.","input_schema":{"type":"object","properties":{"path":{"type":"string","description":"file path"},"n":{"type":"integer"}},"required":["path"]}}`, i, i)
	}
	b.WriteString(`],"messages":[`)
	for i := 0; i == 0 || b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"role":"user","content":[{"type":"text","text":"Please look at file number %d and tell me what it does, in detail, with examples."}]},`, i)
		fmt.Fprintf(&b, `{"role":"assistant","content":[{"type":"text","text":"Reading it."},{"type":"tool_use","id":"toolu_%06d","name":"tool_1","input":{"path":"src/file_%d.go","n":%d}}]},`, i, i, i)
		fmt.Fprintf(&b, `{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_%06d","content":"package main\nfunc main() { println(%d) }\n"}]}`, i, i)
	}
	b.WriteString(`,{"role":"user","content":"Now summarise."}]}`)
	return []byte(b.String())
}

// benchTarget is openai-chat when the Anthropic decoder has landed, else a passthrough (noted).
func benchTarget(b *testing.B, tr *Translator, body []byte) Format {
	if _, ex, err := tr.TranslateRequest(Anthropic, OpenAIChat, body); err == nil {
		ex.Close()
		return OpenAIChat
	}
	b.Logf("anthropic -> openai-chat not in this library build: measuring the passthrough")
	return Anthropic
}

// benchBody is APX_BENCH_REQUEST's file when set (the same document for every language's row),
// else a generated request of about size bytes.
func benchBody(b *testing.B, size int) []byte {
	if f := os.Getenv("APX_BENCH_REQUEST"); f != "" && size > 0 {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		return body
	}
	return benchRequest(size)
}

func benchmarkRequest(b *testing.B, size int) {
	tr := mustTranslator(b, `{"models":{"big":"gpt-4.1"}}`)
	body := benchBody(b, size)
	to := benchTarget(b, tr, body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, ex, err := tr.TranslateRequest(Anthropic, to, body)
		if err != nil {
			b.Fatal(err)
		}
		ex.Close()
	}
}

func BenchmarkRequest50KB(b *testing.B) { benchmarkRequest(b, 50<<10) }
func BenchmarkRequestTiny(b *testing.B) { benchmarkRequest(b, 0) }

func BenchmarkRequest50KBParallel(b *testing.B) {
	tr := mustTranslator(b, `{"models":{"big":"gpt-4.1"}}`)
	body := benchBody(b, 50<<10)
	to := benchTarget(b, tr, body)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, ex, err := tr.TranslateRequest(Anthropic, to, body)
			if err != nil {
				b.Error(err)
				return
			}
			ex.Close()
		}
	})
}

// The cheapest full round trip through the C ABI: per-call overhead.
func BenchmarkErrorTranslate(b *testing.B) {
	tr := mustTranslator(b, "{}")
	body := []byte(`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := tr.TranslateError(nil, OpenAIChat, Anthropic, 429, body); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSSE is an OpenAI Chat stream of n text deltas and a finish chunk.
func benchSSE(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word%d \"},\"finish_reason\":null}]}\n\n", i)
	}
	b.WriteString("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}\n\ndata: [DONE]\n\n")
	return []byte(b.String())
}

// A 500-event stream written chunk by chunk (one Write per upstream event).
func BenchmarkStream(b *testing.B) {
	tr := mustTranslator(b, "{}")
	sse := benchSSE(500)
	events := strings.SplitAfter(string(sse), "\n\n")
	b.SetBytes(int64(len(sse)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, err := tr.NewStream(nil, OpenAIChat, Anthropic, io.Discard)
		if err != nil {
			b.Skipf("streams not in this library build: %v", err)
		}
		for _, ev := range events {
			if _, err := io.WriteString(s, ev); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// The bare cost of one cgo crossing (apx_abi_version), the floor under every call above.
func BenchmarkCgoCall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if ABIVersion() != HeaderABIVersion {
			b.Fatal("abi")
		}
	}
}
