package classroom

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redress-sim/redress/scenarios"
)

//go:embed web
var webFS embed.FS

// Limits bound what a class can ask of a server.
type Limits struct {
	// MaxBody is the largest request body (bytes); MaxQuery the longest
	// query string.
	MaxBody  int64
	MaxQuery int
	// MaxReps is the most replications one request may run.
	MaxReps int
	// Workers is how many simulations run at once (0: GOMAXPROCS); Queue
	// how many more may wait for one, each at most Wait, before the
	// answer is "busy, retry" (503).
	Workers int
	Queue   int
	Wait    time.Duration
	// Timeout bounds one simulation; a replication run gets Timeout per
	// replication.
	Timeout time.Duration
}

// DefaultLimits are the limits of `redress serve`.
func DefaultLimits() Limits {
	return Limits{MaxBody: 1 << 20, MaxQuery: 4 << 10, MaxReps: 500, Queue: 200, Wait: 10 * time.Second, Timeout: 20 * time.Second}
}

// Server serves the classroom page and its API.
type Server struct {
	lim     Limits
	slots   chan struct{}
	waiting atomic.Int64
	mux     *http.ServeMux
}

// NewServer returns a server with the given limits.
func NewServer(lim Limits) *Server {
	if lim.Workers <= 0 {
		lim.Workers = runtime.GOMAXPROCS(0)
	}
	s := &Server{lim: lim, slots: make(chan struct{}, lim.Workers), mux: http.NewServeMux()}
	web, _ := fs.Sub(webFS, "web")
	s.mux.Handle("GET /", http.FileServerFS(web))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	s.mux.HandleFunc("GET /api/lessons", s.lessons)
	for _, m := range []string{"GET", "POST"} {
		s.mux.HandleFunc(m+" /api/simulate", s.simulate)
		s.mux.HandleFunc(m+" /api/replicate", s.replicate)
	}
	s.mux.HandleFunc("POST /api/estimate", s.estimate)
	return s
}

// ServeHTTP serves a request; a panic is answered with a 500 and logged
// nowhere else, and the server goes on.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("internal error: %v", p))
		}
	}()
	if len(r.URL.RawQuery) > s.lim.MaxQuery {
		writeError(w, http.StatusRequestURITooLong, fmt.Sprintf("the query string has %d bytes; at most %d", len(r.URL.RawQuery), s.lim.MaxQuery))
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// errBusy is returned by acquire when no worker frees up in time.
var errBusy = errors.New("busy")

// acquire waits for a worker: at most lim.Wait, and only if fewer than
// lim.Queue requests wait already.
func (s *Server) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
	}
	if s.waiting.Add(1) > int64(s.lim.Queue) {
		s.waiting.Add(-1)
		return nil, errBusy
	}
	defer s.waiting.Add(-1)
	t := time.NewTimer(s.lim.Wait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// busy answers a request no worker could take.
func (s *Server) busy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("busy, retry: %d simulations are running and %d requests waiting", s.lim.Workers, s.waiting.Load()))
}

func (s *Server) lessons(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"lessons": Lessons(), "limits": map[string]any{"max_reps": s.lim.MaxReps}})
}

// simulate runs a lesson once.
func (s *Server) simulate(w http.ResponseWriter, r *http.Request) {
	req, err := s.parseRequest(w, r)
	if err != nil {
		requestError(w, err)
		return
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.answerAcquire(w, err)
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), s.lim.Timeout)
	defer cancel()
	res, err := req.lesson.Run(ctx, req.values, req.Seed, req.Replication)
	if err != nil {
		runError(w, ctx, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) answerAcquire(w http.ResponseWriter, err error) {
	if errors.Is(err, errBusy) {
		s.busy(w)
		return
	}
	writeError(w, http.StatusServiceUnavailable, "the request was cancelled while it waited")
}

// replicate streams one JSON line per replication (replications 0 …
// reps−1 of the lesson's scenario), then a line {"done": true}. Each
// replication waits for a worker of its own, so a class's slider
// updates are not held up behind one student's replications.
func (s *Server) replicate(w http.ResponseWriter, r *http.Request) {
	req, err := s.parseRequest(w, r)
	if err != nil {
		requestError(w, err)
		return
	}
	if !req.lesson.Replicates {
		requestError(w, &ParamError{"lesson", fmt.Sprintf("lesson %q has no replications; these do: survey, contact", req.lesson.ID)})
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	started := false
	for rep := range req.Reps {
		release, err := s.acquire(r.Context())
		if err != nil {
			if !started {
				s.answerAcquire(w, err)
			} else {
				enc.Encode(map[string]string{"error": "stopped: " + err.Error()})
			}
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.lim.Timeout)
		res, err := req.lesson.Run(ctx, req.values, req.Seed, uint64(rep))
		cancel()
		release()
		if err != nil {
			if !started {
				runError(w, ctx, err)
			} else {
				enc.Encode(map[string]string{"error": err.Error()})
			}
			return
		}
		res.Points, res.Reproduce = nil, Reproduce{}
		if err := enc.Encode(res); err != nil {
			return // the browser went away
		}
		started = true
		if flusher != nil {
			flusher.Flush()
		}
	}
	enc.Encode(map[string]bool{"done": true})
}

// runError answers a lesson that could not run: a scenario the sliders
// make invalid is the request's fault (400), a timeout is 503.
func runError(w http.ResponseWriter, ctx context.Context, err error) {
	switch {
	case scenarios.IsInputError(err):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "the simulation took too long; try a smaller size")
	case ctx.Err() != nil:
		// The browser went away: nobody reads the answer.
		writeError(w, http.StatusServiceUnavailable, "cancelled")
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// requestError answers a bad request: 413 for a body too large, else 400.
func requestError(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over %d bytes", mbe.Limit))
		return
	}
	writeError(w, http.StatusBadRequest, strings.TrimSpace(err.Error()))
}
