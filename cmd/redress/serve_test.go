package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe: redress serve prints its address, serves the page and the
// API, and stops cleanly when interrupted; a bad address is exit 2.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &out, &errb) }()
	var url string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if s := out.String(); strings.Contains(s, "http://") {
			url = strings.Fields(s[strings.Index(s, "http://"):])[0]
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no address printed: %q %q", out.String(), errb.String())
	}
	for path, want := range map[string]string{"": "redress classroom", "healthz": "ok", "api/lessons": `"survey"`} {
		r, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET /%s: %d %.80s", path, r.StatusCode, b)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after the interrupt: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on the interrupt")
	}
	if code, _, errs := runCLI(t, "serve", "--addr", "nonsense"); code != 2 || !strings.Contains(errs, "--addr nonsense") {
		t.Errorf("bad address: exit %d: %s", code, errs)
	}
}
