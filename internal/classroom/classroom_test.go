package classroom

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLessonsAtExtremes: every slider at its minimum and maximum, and
// every choice, gives a valid scenario (the sliders can never make a 400).
func TestLessonsAtExtremes(t *testing.T) {
	for _, l := range Lessons() {
		for _, p := range l.Params {
			var vals []any
			if p.Choices != nil {
				for _, c := range p.Choices {
					vals = append(vals, c)
				}
			} else {
				vals = []any{p.Min, p.Max}
			}
			for _, x := range vals {
				v, err := l.Parse(map[string]any{p.Name: x})
				if err != nil {
					t.Fatalf("%s %s=%v: %v", l.ID, p.Name, x, err)
				}
				if _, err := l.Scenario(v, 7); err != nil {
					t.Errorf("%s %s=%v: %v", l.ID, p.Name, x, err)
				}
			}
		}
	}
}

func post(t *testing.T, url, body string) (*http.Response, []byte) {
	t.Helper()
	r, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r, b
}

// TestSimulate: each lesson answers with its figures, the truth beside
// the estimates, and the scenario that reproduces it.
func TestSimulate(t *testing.T) {
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	for _, l := range Lessons() {
		r, b := post(t, srv.URL+"/api/simulate", fmt.Sprintf(`{"lesson": %q, "seed": 3}`, l.ID))
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", l.ID, r.StatusCode, b)
		}
		var res struct {
			Headline  []Figure
			Estimand  *struct{ Truth float64 }
			Estimates []struct{ Estimate *float64 }
			Metrics   []MetricRow
			Bars      []Figure
			Messages  []string
			Reproduce Reproduce
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatalf("%s: %v", l.ID, err)
		}
		if len(res.Headline) != 2 || len(res.Messages) == 0 || !strings.Contains(res.Reproduce.TOML, "seed = 3") {
			t.Errorf("%s: headline %v, messages %v, reproduce %+v", l.ID, res.Headline, res.Messages, res.Reproduce)
		}
		for _, line := range strings.Split(res.Reproduce.Command, "\n") {
			if !strings.HasPrefix(line, "redress ") || !strings.Contains(line, "classroom-"+l.ID+".toml") {
				t.Errorf("%s: command line %q", l.ID, line)
			}
		}
		switch l.ID {
		case "survey", "contact":
			if res.Estimand == nil || math.IsNaN(res.Estimand.Truth) || len(res.Estimates) < 4 {
				t.Errorf("%s: estimand %v, %d estimates", l.ID, res.Estimand, len(res.Estimates))
			}
		case "dashboard":
			if len(res.Metrics) != len(dashboardMetrics()) {
				t.Errorf("dashboard: %d metrics", len(res.Metrics))
			}
		case "paradox":
			if len(res.Bars) != 5 {
				t.Errorf("paradox: %d bars", len(res.Bars))
			}
		}
	}
	// The same by GET, as a shared link's parameters give it.
	r, err := http.Get(srv.URL + "/api/simulate?lesson=survey&seed=3&rho=0&n=300&errors=t")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("GET: %v %v", err, r.Status)
	}
	r.Body.Close()
}

// TestBadRequests: hostile or mistaken requests get a 4xx with a message
// naming what is wrong, and the server goes on serving.
func TestBadRequests(t *testing.T) {
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	huge := `{"lesson":"survey","params":{"rho":0.5},"pad":"` + strings.Repeat("x", 10<<20) + `"}`
	for _, c := range []struct {
		name, path, body string
		code             int
		want             string
	}{
		{"unknown lesson", "/api/simulate", `{"lesson":"astrology"}`, 400, "no lesson \"astrology\""},
		{"no lesson", "/api/simulate", `{}`, 400, "name a lesson"},
		{"rho out of range", "/api/simulate", `{"lesson":"survey","params":{"rho":2}}`, 400, "rho: 2 is out of range"},
		{"huge n", "/api/simulate", `{"lesson":"survey","params":{"n":100000000}}`, 400, "n: 1e+08 is out of range"},
		{"unknown parameter", "/api/simulate", `{"lesson":"survey","params":{"refund":1}}`, 400, "not a parameter of lesson"},
		{"bad choice", "/api/simulate", `{"lesson":"survey","params":{"errors":"cauchy"}}`, 400, "one of normal"},
		{"garbage JSON", "/api/simulate", `{"lesson": surv`, 400, "not a JSON object"},
		{"an array", "/api/simulate", `[1,2]`, 400, "not a JSON object"},
		{"two values", "/api/simulate", `{"lesson":"survey"} {}`, 400, "more than one JSON value"},
		{"unknown field", "/api/simulate", `{"lesson":"survey","n":5}`, 400, "unknown field \"n\""},
		{"negative seed", "/api/simulate", `{"lesson":"survey","seed":-1}`, 400, "seed: -1 is not allowed"},
		{"fractional seed", "/api/simulate", `{"lesson":"survey","seed":1.5}`, 400, "a whole number"},
		{"negative reps", "/api/replicate", `{"lesson":"survey","reps":-3}`, 400, "reps: -3 is not allowed"},
		{"too many reps", "/api/replicate", `{"lesson":"survey","reps":100000}`, 400, "from 1 to 500"},
		{"replications of a behavioral lesson", "/api/replicate", `{"lesson":"dashboard","reps":2}`, 400, "has no replications"},
		{"10 MB body", "/api/simulate", huge, 413, "over 1048576 bytes"},
		{"estimate: bad method", "/api/estimate", `{"csv":"y,x\n1,2\n","method":"lasso","outcome":"y ~ x"}`, 400, "unknown method"},
		{"estimate: no csv", "/api/estimate", `{"method":"ols","outcome":"y ~ x"}`, 400, "required"},
	} {
		r, b := post(t, srv.URL+c.path, c.body)
		var e struct{ Error string }
		json.Unmarshal(b, &e)
		if r.StatusCode != c.code || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %s, want %d and %q", c.name, r.StatusCode, b, c.code, c.want)
		}
	}
	for _, c := range []struct {
		method, path string
		code         int
	}{{"PUT", "/api/simulate", 405}, {"GET", "/api/simulate?lesson=survey&x=" + strings.Repeat("y", 5000), 414}, {"GET", "/nope.js", 404}} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != c.code {
			t.Errorf("%s %s: %d, want %d", c.method, c.path[:min(30, len(c.path))], r.StatusCode, c.code)
		}
	}
	if r, err := http.Get(srv.URL + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Errorf("after the bad requests /healthz: %v", err)
	}
}

// TestReplicate streams a line per replication, then done.
func TestReplicate(t *testing.T) {
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	r, err := http.Post(srv.URL+"/api/replicate", "application/json", strings.NewReader(`{"lesson":"survey","reps":4,"params":{"n":300}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("content type %q", ct)
	}
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(nil, 1<<20)
	var reps []uint64
	done := false
	for sc.Scan() {
		var m struct {
			Replication uint64
			Estimates   []Estimate
			Done        bool
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if m.Done {
			done = true
			continue
		}
		if len(m.Estimates) != 4 {
			t.Errorf("replication %d: %d estimates", m.Replication, len(m.Estimates))
		}
		reps = append(reps, m.Replication)
	}
	if !done || fmt.Sprint(reps) != "[0 1 2 3]" {
		t.Errorf("replications %v, done %v", reps, done)
	}
}

// TestBusy: beyond the workers and the queue the answer is 503 with
// Retry-After, not a collapse.
func TestBusy(t *testing.T) {
	s := NewServer(Limits{MaxBody: 1 << 16, MaxQuery: 4096, MaxReps: 10, Workers: 1, Queue: 1, Wait: 50 * time.Millisecond, Timeout: time.Second})
	srv := httptest.NewServer(s)
	defer srv.Close()
	release, err := s.acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r, b := post(t, srv.URL+"/api/simulate", `{"lesson":"survey"}`)
	if r.StatusCode != 503 || r.Header.Get("Retry-After") != "1" || !strings.Contains(string(b), "busy, retry") {
		t.Errorf("while busy: %d %s", r.StatusCode, b)
	}
	release()
	if r, b := post(t, srv.URL+"/api/simulate", `{"lesson":"survey","params":{"n":200}}`); r.StatusCode != 200 {
		t.Errorf("after: %d %s", r.StatusCode, b)
	}
}

// TestEstimateAPI fits an estimator to a posted CSV.
func TestEstimateAPI(t *testing.T) {
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	csv := "y,x\n1,1\n2,2.1\n2.9,3\n4.2,4\n5,5.1\n"
	body, _ := json.Marshal(map[string]any{"csv": csv, "method": "ols", "outcome": "y ~ x", "robust": true})
	r, b := post(t, srv.URL+"/api/estimate", string(body))
	if r.StatusCode != 200 || !bytes.Contains(b, []byte(`"method":"ols"`)) {
		t.Errorf("%d %s", r.StatusCode, b)
	}
}

// TestPage: the page and its assets are embedded.
func TestPage(t *testing.T) {
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	for path, want := range map[string]string{"/": "redress classroom", "/app.js": "api/simulate", "/style.css": "--blue"} {
		r, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, %d bytes", path, r.StatusCode, len(b))
		}
	}
}

// FuzzParseFields: any JSON object is a request or an error, never a
// panic.
func FuzzParseFields(f *testing.F) {
	for _, s := range []string{`{"lesson":"survey","params":{"rho":0.5}}`, `{"lesson":"dashboard","seed":"7","params":{"apology":"sincere"}}`,
		`{"lesson":5}`, `{"lesson":"survey","params":[1]}`, `{"lesson":"contact","reps":"1e3"}`, `{"lesson":"paradox","params":{"quality":null}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fields map[string]any
		if json.Unmarshal([]byte(s), &fields) != nil {
			return
		}
		req, err := parseFields(fields, 500)
		if err == nil && (req.Reps < 1 || req.Reps > 500 || req.Seed > maxSeed) {
			t.Errorf("%s: accepted %+v", s, req)
		}
	})
}

// TestCancel: when the browser goes away, its replications stop: the
// server's one worker is soon free for good.
func TestCancel(t *testing.T) {
	s := NewServer(Limits{MaxBody: 1 << 16, MaxQuery: 4096, MaxReps: 500, Workers: 1, Queue: 10, Wait: time.Second, Timeout: 10 * time.Second})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/replicate", strings.NewReader(`{"lesson":"survey","reps":500,"params":{"n":5000}}`))
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(r.Body).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cancel()
	r.Body.Close()
	time.Sleep(300 * time.Millisecond)
	busy := 0
	for range 50 {
		select {
		case s.slots <- struct{}{}:
			<-s.slots
		default:
			busy++
		}
		time.Sleep(10 * time.Millisecond)
	}
	if busy > 0 {
		t.Errorf("the worker was busy %d of 50 times after the browser went away", busy)
	}
}
