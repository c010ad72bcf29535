package apxlate_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	apxlate "github.com/apxlate/apxlate/bindings/go"
)

// anthropicToOpenAI is the README's Go proxy: an http.Handler taking Anthropic Messages requests
// and serving them from an OpenAI-compatible upstream, JSON and SSE, errors included.
func anthropicToOpenAI(tr *apxlate.Translator, upstreamURL, upstreamKey string) http.Handler {
	writeJSON := func(w http.ResponseWriter, status int, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}
	fail := func(w http.ResponseWriter, status int, err error) {
		e, _ := apxlate.BuildError(apxlate.Anthropic, status, err.Error())
		writeJSON(w, e.HTTPStatus, e.Body)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, ex, err := tr.TranslateRequest(apxlate.Anthropic, apxlate.OpenAIChat, body)
		if err != nil {
			fail(w, http.StatusBadRequest, err) // says what and where: messages[0].content
			return
		}
		defer ex.Close()
		up, _ := http.NewRequestWithContext(r.Context(), "POST", upstreamURL+"/v1/chat/completions", bytes.NewReader(req.Body))
		up.Header.Set("Content-Type", "application/json")
		up.Header.Set("Authorization", "Bearer "+upstreamKey)
		resp, err := http.DefaultClient.Do(up)
		if err != nil {
			fail(w, http.StatusBadGateway, err)
			return
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode >= 400:
			upBody, _ := io.ReadAll(resp.Body)
			e, _ := tr.TranslateError(ex, apxlate.FormatNone, apxlate.FormatNone, resp.StatusCode, upBody)
			writeJSON(w, e.HTTPStatus, e.Body)
		case strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"):
			s, err := tr.NewStream(ex, apxlate.FormatNone, apxlate.FormatNone, w)
			if err != nil {
				fail(w, http.StatusBadGateway, err)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			// each upstream read is translated and flushed to the client
			if _, err := io.Copy(s, resp.Body); err != nil {
				s.Fail(http.StatusBadGateway, "the upstream stream broke: "+err.Error()) // the client format's error ending
			}
			s.Close() // ends the client stream well-formed
		default:
			upBody, _ := io.ReadAll(resp.Body)
			out, err := tr.TranslateResponse(ex, apxlate.FormatNone, apxlate.FormatNone, upBody)
			if err != nil {
				fail(w, http.StatusBadGateway, err)
				return
			}
			writeJSON(w, http.StatusOK, out.Body)
		}
	})
}

func TestReadmeProxyHandler(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk-upstream" {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`))
			return
		}
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"c","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`)
	}))
	defer upstream.Close()
	tr, err := apxlate.NewTranslator([]byte(`{"models":{"default":"gpt-4.1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()

	post := func(h http.Handler, body string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/messages", strings.NewReader(body)))
		return rec.Code, rec.Body.String()
	}
	h := anthropicToOpenAI(tr, upstream.URL, "sk-upstream")
	code, out := post(h, `{"model":"claude-x","max_tokens":9,"messages":[{"role":"user","content":"Hi"}]}`)
	if code != 200 || !strings.Contains(out, `"text":"Hi!"`) || !strings.Contains(out, `"model":"claude-x"`) {
		t.Errorf("json: %d %s", code, out)
	}
	code, out = post(h, `{"model":"claude-x","max_tokens":9,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	if code != 200 || !strings.Contains(out, "event: message_start") || !strings.HasSuffix(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n") {
		t.Errorf("sse: %d %s", code, out)
	}
	code, out = post(h, `{"model":"claude-x","messages":"no"}`)
	if code != 400 || !strings.Contains(out, `"invalid_request_error"`) {
		t.Errorf("bad request: %d %s", code, out)
	}
	code, out = post(anthropicToOpenAI(tr, upstream.URL, "wrong"), `{"model":"claude-x","max_tokens":9,"messages":[{"role":"user","content":"Hi"}]}`)
	if code != 401 || !strings.Contains(out, `"authentication_error"`) {
		t.Errorf("upstream 401: %d %s", code, out)
	}
}
