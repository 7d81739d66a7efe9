// Package parallel is the one worker pool of redress: a loop over
// indices on a few goroutines, and an ordered map that hands results on
// in index order. Neither lets the number of goroutines reach the
// results, which is what keeps redress's output byte-identical for any
// number of workers.
package parallel

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers returns the number of goroutines to use for n tasks when asked
// for w (w ≤ 0: GOMAXPROCS): at least 1, at most n.
func Workers(w, n int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}

// For calls fn(i) for every i in [0, n) on Workers(workers, n)
// goroutines, each taking the next index as it is free, and returns when
// all calls have.
func For(n, workers int, fn func(i int)) {
	w := Workers(workers, n)
	if w == 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// Ordered runs work(ctx, i) for i in [0, n) on Workers(workers, n)
// goroutines and calls emit(i, result) on the calling goroutine in index
// order, as results arrive. At most 4 tasks per worker run ahead of the
// next one to emit, so the results held do not grow with n. It stops at
// the first error of work or emit, or when ctx is done, and returns that
// error (the context's error for a cancellation; errors of work after
// one are taken for its echoes) with the number of results emitted; no
// task starts after it stops.
func Ordered[T any](ctx context.Context, n, workers int, work func(ctx context.Context, i int) (T, error), emit func(i int, v T) error) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	w := Workers(workers, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		v   T
		err error
	}
	jobs := make(chan int)
	results := make(chan result, w)
	window := make(chan struct{}, 4*w) // tasks started and not yet emitted
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for i := range jobs {
				v, err := work(ctx, i)
				results <- result{i, v, err}
			}
		})
	}
	go feed(ctx, n, jobs, window)
	go func() { wg.Wait(); close(results) }()

	pending := map[int]T{}
	next := 0
	var firstErr error
	for r := range results {
		if r.err != nil {
			// After a cancellation, errors are its echoes.
			if firstErr == nil && ctx.Err() == nil {
				firstErr = r.err
				cancel()
			}
			continue
		}
		pending[r.i] = r.v
		for v, ok := pending[next]; ok && firstErr == nil; v, ok = pending[next] {
			delete(pending, next)
			<-window
			if err := emit(next, v); err != nil {
				firstErr = err
				cancel()
				break
			}
			next++
		}
	}
	if firstErr == nil && next < n {
		firstErr = context.Cause(ctx)
		if firstErr == nil {
			firstErr = context.Canceled
		}
	}
	return next, firstErr
}

// feed sends the indices [0, n) to jobs, each once a window slot is
// free, until ctx is done; then it closes jobs.
func feed(ctx context.Context, n int, jobs chan<- int, window chan struct{}) {
	defer close(jobs)
	for i := range n {
		// select picks at random among ready cases, so check the context
		// first: no new task starts after a cancel.
		if ctx.Err() != nil {
			return
		}
		select {
		case window <- struct{}{}:
		case <-ctx.Done():
			return
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			return
		}
	}
}
