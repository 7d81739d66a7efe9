package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	for _, w := range []int{0, 1, 3, 100} {
		seen := make([]atomic.Int32, 1000)
		For(len(seen), w, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("workers %d: index %d called %d times", w, i, seen[i].Load())
			}
		}
	}
}

// TestOrdered: results are emitted in index order whatever the order
// they finish in, no more than the window run ahead, and the first error
// stops the run.
func TestOrdered(t *testing.T) {
	var running, most atomic.Int32
	var got []int
	n, err := Ordered(context.Background(), 200, 3, func(_ context.Context, i int) (int, error) {
		r := running.Add(1)
		for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
		}
		time.Sleep(time.Duration((i*7)%5) * 100 * time.Microsecond)
		running.Add(-1)
		return i * i, nil
	}, func(i, v int) error {
		if v != i*i {
			t.Errorf("result %d is %d", i, v)
		}
		got = append(got, i)
		return nil
	})
	if err != nil || n != 200 {
		t.Fatalf("%d emitted, %v", n, err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("emitted %v", got[:i+1])
		}
	}
	if most.Load() > 3 {
		t.Errorf("%d tasks ran at once on 3 workers", most.Load())
	}

	boom := errors.New("boom")
	var started atomic.Int32
	n, err = Ordered(context.Background(), 1000, 2, func(_ context.Context, i int) (int, error) {
		started.Add(1)
		if i == 10 {
			return 0, boom
		}
		return i, nil
	}, func(int, int) error { return nil })
	if !errors.Is(err, boom) || n > 10 {
		t.Errorf("after an error: %d emitted, %v", n, err)
	}
	if s := started.Load(); s > 10+4*2+2 {
		t.Errorf("%d tasks started after an error at 10", s)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n, err = Ordered(ctx, 1000, 2, func(ctx context.Context, i int) (int, error) {
		if i == 5 {
			cancel()
		}
		return i, ctx.Err()
	}, func(int, int) error { return nil })
	if !errors.Is(err, context.Canceled) || n >= 1000 {
		t.Errorf("cancelled: %d emitted, %v", n, err)
	}
}
