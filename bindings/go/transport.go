package apxlate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Transport is an http.RoundTripper that lets any net/http client (an official SDK through its
// HTTP-client option, or a plain http.Client) talk to an upstream of another format, with no proxy
// process: each request the client sends is translated, sent to the upstream with the upstream's
// key, and the answer (JSON, SSE stream translated chunk by chunk as it arrives, or error) comes
// back in the client's own format.
//
// The client's format is taken from the request path: .../messages (Anthropic; .../messages/
// count_tokens is answered locally with an estimate), .../chat/completions (OpenAI Chat),
// .../responses (OpenAI Responses). Other requests get a client-format 404. The client's
// base URL does not matter: only Upstream is contacted.
//
// A Transport is safe for concurrent use. It does not own the Translator.
type Transport struct {
	// Translator does the translation (NewTranslator; its config holds the model map and quirks).
	Translator *Translator
	// Upstream is the upstream's base URL including its version segment, e.g.
	// "https://api.openai.com/v1"; the endpoint of UpstreamFormat is appended.
	Upstream string
	// UpstreamFormat is the upstream's format (Anthropic, OpenAIChat, OpenAIResponses).
	UpstreamFormat Format
	// APIKey is the upstream's key; it replaces the client's (x-api-key for an Anthropic upstream,
	// Authorization: Bearer otherwise). Empty: no key is sent.
	APIKey string
	// Header is added to every upstream request (e.g. an OpenRouter "HTTP-Referer").
	Header http.Header
	// Base sends the upstream requests; nil means http.DefaultTransport.
	Base http.RoundTripper
}

// endpoints is the path suffix of each format's create endpoint.
var endpoints = map[Format]string{
	Anthropic:       "/messages",
	OpenAIChat:      "/chat/completions",
	OpenAIResponses: "/responses",
}

// clientFormatOf reads the client's format from a request path; countTokens is set for
// Anthropic's count_tokens endpoint.
func clientFormatOf(path string) (f Format, countTokens bool) {
	path = strings.TrimSuffix(path, "/")
	switch {
	case strings.HasSuffix(path, "/messages/count_tokens"):
		return Anthropic, true
	case strings.HasSuffix(path, "/messages"):
		return Anthropic, false
	case strings.HasSuffix(path, "/chat/completions"):
		return OpenAIChat, false
	case strings.HasSuffix(path, "/responses"):
		return OpenAIResponses, false
	}
	return FormatNone, false
}

// RoundTrip translates one request and its answer. It returns an error only when the client's
// own request context ended or the request body cannot be read; every other failure is a
// client-format error response (400 for an untranslatable request, 502 for an unreachable
// upstream, 504 for an upstream timeout, the upstream's status for its errors).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	from, countTokens := clientFormatOf(req.URL.Path)
	if from == FormatNone || req.Method != http.MethodPost {
		f := from
		if f == FormatNone {
			f = Anthropic
			if strings.Contains(req.Header.Get("Authorization"), "Bearer") && req.Header.Get("x-api-key") == "" {
				f = OpenAIChat
			}
		}
		return t.errorResponse(req, f, http.StatusNotFound, fmt.Sprintf("apxlate.Transport: no translation for %s %s", req.Method, req.URL.Path)), nil
	}
	if t.Translator == nil || endpoints[t.UpstreamFormat] == "" {
		return t.errorResponse(req, from, http.StatusInternalServerError, "apxlate.Transport: Translator and UpstreamFormat are required"), nil
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	if countTokens {
		n, err := t.Translator.CountTokens(from, body)
		if err != nil {
			return t.errorResponse(req, from, http.StatusBadRequest, err.Error()), nil
		}
		return jsonResponse(req, http.StatusOK, nil, []byte(`{"input_tokens":`+strconv.FormatInt(n, 10)+`}`)), nil
	}

	out, ex, err := t.Translator.TranslateRequest(from, t.UpstreamFormat, body)
	if err != nil {
		return t.errorResponse(req, from, http.StatusBadRequest, err.Error()), nil
	}
	up, err := http.NewRequestWithContext(req.Context(), http.MethodPost,
		strings.TrimSuffix(t.Upstream, "/")+endpoints[t.UpstreamFormat], bytes.NewReader(out.Body))
	if err != nil {
		ex.Close()
		return t.errorResponse(req, from, http.StatusInternalServerError, "apxlate.Transport: upstream URL: "+err.Error()), nil
	}
	t.setUpstreamHeaders(up, req, from, ex.Stream())
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(up)
	if err != nil {
		ex.Close()
		if req.Context().Err() != nil {
			return nil, req.Context().Err() // the client gave up: no answer to translate
		}
		return t.errorResponse(req, from, failureStatus(err), "the upstream could not be reached: "+err.Error()), nil
	}
	return t.translateResponse(req, ex, resp)
}

// setUpstreamHeaders writes the upstream request's headers: the client's own except its
// credentials, framing and encoding (Go's transport negotiates gzip itself), then the
// upstream's key and Header.
func (t *Transport) setUpstreamHeaders(up, req *http.Request, client Format, stream bool) {
	for k, vs := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Api-Key", "Content-Length", "Accept-Encoding", "Connection",
			"Transfer-Encoding", "Host", "Anthropic-Version", "Anthropic-Beta", "Openai-Organization",
			"Openai-Project":
			continue
		}
		up.Header[k] = append([]string(nil), vs...)
	}
	up.Header.Set("Content-Type", "application/json")
	if stream {
		up.Header.Set("Accept", "text/event-stream")
	} else {
		up.Header.Set("Accept", "application/json")
	}
	if t.UpstreamFormat == Anthropic {
		v := req.Header.Get("Anthropic-Version")
		if v == "" {
			v = "2023-06-01"
		}
		up.Header.Set("Anthropic-Version", v)
		if b := req.Header.Values("Anthropic-Beta"); len(b) > 0 && client == Anthropic {
			up.Header["Anthropic-Beta"] = append([]string(nil), b...)
		}
		if t.APIKey != "" {
			up.Header.Set("X-Api-Key", t.APIKey)
		}
	} else if t.APIKey != "" {
		up.Header.Set("Authorization", "Bearer "+t.APIKey)
	}
	for k, vs := range t.Header {
		up.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
}

// failureStatus is 504 for a timeout, else 502.
func failureStatus(err error) int {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return http.StatusGatewayTimeout
	}
	return http.StatusBadGateway
}

// translateResponse turns the upstream's answer into the client's. The exchange is closed here,
// or (streams) handed to nobody: the stream keeps its own copy.
func (t *Transport) translateResponse(req *http.Request, ex *Exchange, resp *http.Response) (*http.Response, error) {
	client := ex.ClientFormat()
	if resp.StatusCode >= 400 {
		defer ex.Close()
		b, err := readUpstream(resp)
		if err != nil {
			return t.errorResponse(req, client, failureStatus(err), "reading the upstream's error: "+err.Error()), nil
		}
		out, err := t.Translator.TranslateError(ex, FormatNone, FormatNone, resp.StatusCode, b)
		if err != nil {
			return t.errorResponse(req, client, http.StatusBadGateway, err.Error()), nil
		}
		return jsonResponse(req, out.HTTPStatus, resp.Header, out.Body), nil
	}
	if strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/event-stream") {
		defer ex.Close()
		sb := &streamBody{up: resp.Body, buf: make([]byte, streamBufSize)}
		s, err := t.Translator.NewStream(ex, FormatNone, FormatNone, &sb.out)
		if err != nil {
			resp.Body.Close()
			return t.errorResponse(req, client, http.StatusBadGateway, err.Error()), nil
		}
		sb.s = s
		r := &http.Response{
			Status: resp.Status, StatusCode: resp.StatusCode, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: responseHeader(resp.Header), Body: sb, ContentLength: -1, Request: req,
		}
		r.Header.Set("Content-Type", "text/event-stream")
		return r, nil
	}
	defer ex.Close()
	b, err := readUpstream(resp)
	if err != nil {
		return t.errorResponse(req, client, failureStatus(err), "reading the upstream's response: "+err.Error()), nil
	}
	out, err := t.Translator.TranslateResponse(ex, FormatNone, FormatNone, b)
	if err != nil {
		return t.errorResponse(req, client, http.StatusBadGateway, "the upstream's response cannot be translated: "+err.Error()), nil
	}
	return jsonResponse(req, resp.StatusCode, resp.Header, out.Body), nil
}

func readUpstream(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// responseHeader copies the upstream's headers except those describing its body.
func responseHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Encoding", "Transfer-Encoding", "Content-Type", "Connection":
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// jsonResponse is a complete JSON response to req.
func jsonResponse(req *http.Request, status int, upstream http.Header, body []byte) *http.Response {
	h := responseHeader(upstream)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// errorResponse is a failure of the transport itself as the client format's error body.
func (t *Transport) errorResponse(req *http.Request, f Format, status int, message string) *http.Response {
	out, err := BuildError(f, status, message)
	if err != nil {
		out = Output{Body: []byte(`{"error":{"message":"apxlate.Transport failed","type":"api_error"}}`), HTTPStatus: status}
	}
	if out.HTTPStatus == 0 {
		out.HTTPStatus = status
	}
	return jsonResponse(req, out.HTTPStatus, nil, out.Body)
}

// streamBody is the client's SSE body: each Read translates upstream bytes as they arrive (no
// buffering of the whole answer). A broken upstream ends the client stream with its format's
// error ending (Stream.Fail) instead of a cut body.
type streamBody struct {
	mu   sync.Mutex // Close may come from another goroutine than Read
	up   io.ReadCloser
	s    *Stream
	buf  []byte
	out  bytes.Buffer
	done bool
}

func (b *streamBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.out.Len() == 0 {
		if b.done {
			return 0, io.EOF
		}
		n, rerr := b.up.Read(b.buf)
		if n > 0 {
			if _, err := b.s.Write(b.buf[:n]); err != nil {
				b.end(http.StatusBadGateway, "the upstream stream cannot be translated: "+err.Error())
				continue
			}
		}
		switch {
		case rerr == io.EOF:
			b.s.Close() // the final events go to b.out
			b.done = true
		case rerr != nil:
			b.end(failureStatus(rerr), "the upstream connection broke mid-stream: "+rerr.Error())
		}
	}
	return b.out.Read(p)
}

// end finishes the client stream with an error ending.
func (b *streamBody) end(status int, message string) {
	b.s.Fail(status, message)
	b.s.free()
	b.done = true
}

// Close closes the upstream body (which ends a Read waiting on it), then frees the stream.
func (b *streamBody) Close() error {
	err := b.up.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = true
	b.out.Reset()
	b.s.free()
	return err
}
