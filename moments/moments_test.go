package moments_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/redress-sim/redress/moments"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/table"
)

// tiny is a hand-computed data set: failure types "a" and "b" (given as
// names and codes), severity as codes and words.
const tinyEpisodes = `customer_id,failure_type,severity,contacted,responded,survey_score,resolved,contacts,response_hours,repurchased,window_complete,nps_score,other
1,a,0,1,1,5,1,1,2,1,1,10,x
1,b,1,0,0,,,0,,0,1,9,x
2,0,2,1,0,,0,2,4,1,1,,x
3,a,low,1,1,2,1,2,,0,0,3,x
4,b,medium,0,0,,,0,,1,1,,x
`

const tinyCustomers = `customer_id,churned,segment
1,0,0
2,1,0
3,0,1
4,1,1
`

var tinySpec = moments.Spec{FailureTypes: []string{"a", "b"}, SurveyScale: 5, MinCount: 1}

// tinyWant are the moments of tiny, counted by hand.
var tinyWant = []moments.Moment{
	{"contact_rate", 3.0 / 5, 5},
	{"contact_rate[a]", 1, 3},
	{"contact_rate[b]", 0, 2},
	{"contact_rate[severity=low]", 1, 2},
	{"contact_rate[severity=medium]", 0, 2},
	{"contact_rate[severity=high]", 1, 1},
	{"response_rate", 2.0 / 3, 3},
	{"survey_mean", 3.5, 2},
	{"survey_share[1]", 0, 2},
	{"survey_share[2]", 0.5, 2},
	{"survey_share[3]", 0, 2},
	{"survey_share[4]", 0, 2},
	{"fcr", 1.0 / 3, 3},
	{"response_hours_mean", 3, 2},
	{"repurchase[contacted]", 1, 2},
	{"repurchase[not_contacted]", 0.5, 2},
	{"repurchase[resolved]", 1, 1},
	{"repurchase[unresolved]", 1, 1},
	{"churn_rate", 0.5, 4},
	{"nps", 1.0 / 3, 3},
}

func writeData(t testing.TB, episodes, customers string) string {
	t.Helper()
	dir := t.TempDir()
	for name, s := range map[string]string{"episodes.csv": episodes, "customers.csv": customers} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestComputeTiny(t *testing.T) {
	d, err := moments.Load(writeData(t, tinyEpisodes, tinyCustomers), nil)
	if err != nil {
		t.Fatal(err)
	}
	ms, dropped, err := moments.Compute(d, tinySpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 0 {
		t.Errorf("dropped %v", dropped)
	}
	if !reflect.DeepEqual(ms, tinyWant) {
		t.Errorf("moments\n got %v\nwant %v", ms, tinyWant)
	}
	if names := moments.Names(tinySpec); len(names) != len(tinyWant) {
		t.Errorf("Names: %d, want %d", len(names), len(tinyWant))
	}

	// MinCount 3 leaves out every moment of fewer than 3 cases, saying why.
	s := tinySpec
	s.MinCount = 3
	ms, dropped, err = moments.Compute(d, s)
	if err != nil {
		t.Fatal(err)
	}
	var kept int
	for _, w := range tinyWant {
		if w.N >= 3 {
			kept++
		}
	}
	if len(ms) != kept || len(ms)+len(dropped) != len(tinyWant) {
		t.Fatalf("MinCount 3: %d kept, %d dropped, want %d kept of %d", len(ms), len(dropped), kept, len(tinyWant))
	}
	if got, want := dropped[0].String(), "contact_rate[b]: 2 failure episodes, need 3"; got != want {
		t.Errorf("dropped[0] = %q, want %q", got, want)
	}

	// Without nps_score, no nps moment, and a reason.
	noNPS := d.Episodes
	keep := make([]string, 0)
	for _, n := range noNPS.Names() {
		if n != "nps_score" {
			keep = append(keep, n)
		}
	}
	e2 := new(table.Table)
	for _, n := range keep {
		if noNPS.IsText(n) {
			v, _ := noNPS.Text(n)
			_ = e2.AddText(n, v)
		} else {
			v, _ := noNPS.Col(n)
			_ = e2.Add(n, v)
		}
	}
	ms, dropped, err = moments.Compute(&moments.Data{Episodes: e2, Customers: d.Customers}, tinySpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(tinyWant)-1 || len(dropped) != 1 || dropped[0].Name != "nps" {
		t.Errorf("without nps_score: %d moments, dropped %v", len(ms), dropped)
	}
}

// TestSeverityScore: a severity number in [0,1] is cut at the spec's cuts.
func TestSeverityScore(t *testing.T) {
	eps := strings.Replace(tinyEpisodes, "severity,", "severity_score,", 1)
	for _, r := range [][2]string{{",a,0,", ",a,0.1,"}, {",b,1,", ",b,0.5,"}, {",0,2,", ",0,0.9,"}, {",low,", ",0.2,"}, {",medium,", ",0.6,"}} {
		eps = strings.Replace(eps, r[0], r[1], 1)
	}
	d, err := moments.Load(writeData(t, eps, tinyCustomers), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := tinySpec
	s.SeverityCuts = [2]float64{0.3, 0.7}
	ms, _, err := moments.Compute(d, s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ms, tinyWant) {
		t.Errorf("moments\n got %v\nwant %v", ms, tinyWant)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, episodes, customers string
		mapping                   map[string]string
		spec                      bool // the error comes from Compute
		want                      []string
	}{
		{name: "missing column", episodes: strings.Replace(tinyEpisodes, "contacted,", "was_contacted,", 1),
			want: []string{"episodes.csv", `no column "contacted"`, "customer_id, failure_type, severity, was_contacted, responded", "map THEIRS=contacted"}},
		{name: "missing customers column", customers: strings.Replace(tinyCustomers, "churned", "left", 1),
			want: []string{"customers.csv", `no column "churned"`, "customer_id, left, segment"}},
		{name: "bad binary", episodes: strings.Replace(tinyEpisodes, "2,0,2,1,0", "2,0,2,2,0", 1),
			want: []string{"episodes.csv", "row 3 (line 4)", `column "contacted"`, `"2" is not 0 or 1`}},
		{name: "bad churned", customers: strings.Replace(tinyCustomers, "4,1,1", "4,yes,1", 1),
			want: []string{"customers.csv", "is not a number"}},
		{name: "survey range", episodes: strings.Replace(tinyEpisodes, "1,1,5,1,1,2", "1,1,9,1,1,2", 1),
			want: []string{"row 1 (line 2)", `column "survey_score"`, "1–7"}},
		{name: "survey scale", episodes: strings.Replace(tinyEpisodes, "1,1,5,1,1,2", "1,1,6,1,1,2", 1), spec: true,
			want: []string{"row 1 (line 2)", `column "survey_score"`, "1–5"}},
		{name: "resolved missing", episodes: strings.Replace(tinyEpisodes, "1,1,5,1,1,2", "1,1,5,,1,2", 1),
			want: []string{"row 1", `column "resolved"`, "contacted episode"}},
		{name: "nps range", episodes: strings.Replace(tinyEpisodes, "1,10,x", "1,11,x", 1),
			want: []string{"row 1", `column "nps_score"`, "0–10"}},
		{name: "unknown customer", episodes: strings.Replace(tinyEpisodes, "4,b,medium", "5,b,medium", 1),
			want: []string{"row 5 (line 6)", `"5" is not a customer_id of`}},
		{name: "duplicate customer", customers: tinyCustomers + "4,0,0\n",
			want: []string{"customers.csv", "row 5", "appears twice"}},
		{name: "unknown failure type", episodes: strings.Replace(tinyEpisodes, "3,a,low", "3,c,low", 1), spec: true,
			want: []string{"row 4 (line 5)", `"c" is not a failure type`, "a, b"}},
		{name: "failure code", episodes: strings.Replace(tinyEpisodes, "2,0,2", "2,2,2", 1), spec: true,
			want: []string{"row 3", `column "failure_type"`, "codes 0–1"}},
		{name: "map unknown ours", mapping: map[string]string{"x": "contact"},
			want: []string{`"contact" is not a column`, "contacted"}},
		{name: "map absent theirs", mapping: map[string]string{"x": "contacted"},
			want: []string{"column map x=contacted", `column "x"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eps, cust := c.episodes, c.customers
			if eps == "" {
				eps = tinyEpisodes
			}
			if cust == "" {
				cust = tinyCustomers
			}
			d, err := moments.Load(writeData(t, eps, cust), c.mapping)
			if c.spec {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				_, _, err = moments.Compute(d, tinySpec)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// A bad value is a *ValueError.
	_, err := moments.Load(writeData(t, strings.Replace(tinyEpisodes, "2,0,2,1,0", "2,0,2,2,0", 1), tinyCustomers), nil)
	if ve, ok := errors.AsType[*moments.ValueError](err); !ok || ve.Row != 3 || ve.Column != "contacted" {
		t.Errorf("error %v: want a *ValueError at row 3, column contacted", err)
	}
}

// TestLoadMap: the firm's names read as ours, and a firm column that
// shadows ours is replaced by the mapped one.
func TestLoadMap(t *testing.T) {
	eps := strings.Replace(tinyEpisodes, "customer_id,", "cust,", 1)
	eps = strings.Replace(eps, "contacted,", "was_contacted,", 1)
	eps = strings.Replace(eps, ",other", ",contacted", 1) // an unrelated column called contacted
	cust := strings.Replace(tinyCustomers, "customer_id,", "cust,", 1)
	m, err := moments.ParseMap([]string{"cust=customer_id", " was_contacted = contacted"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := moments.Load(writeData(t, eps, cust), m)
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := moments.Compute(d, tinySpec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ms, tinyWant) {
		t.Errorf("moments\n got %v\nwant %v", ms, tinyWant)
	}
	// Only the format's columns are read.
	if got := d.Customers.Names(); !reflect.DeepEqual(got, []string{"customer_id", "churned"}) {
		t.Errorf("customers columns %v", got)
	}
}

func TestParseMap(t *testing.T) {
	cases := []struct {
		specs []string
		want  map[string]string
		err   string
	}{
		{nil, map[string]string{}, ""},
		{[]string{"a=contacted", "b=churned"}, map[string]string{"a": "contacted", "b": "churned"}, ""},
		{[]string{"a"}, nil, "want THEIRS=OURS"},
		{[]string{"=contacted"}, nil, "want THEIRS=OURS"},
		{[]string{"a="}, nil, "want THEIRS=OURS"},
		{[]string{"a=contacted", "a=responded"}, nil, "already mapped"},
		{[]string{"a=contacted", "b=contacted"}, nil, `both "a" and "b"`},
		{[]string{"a=bogus"}, nil, "customer_id, failure_type"},
	}
	for _, c := range cases {
		got, err := moments.ParseMap(c.specs)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseMap(%q) error %v, want %q", c.specs, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseMap(%q) = %v, %v; want %v", c.specs, got, err, c.want)
		}
	}
}

// simData runs a small default scenario, collecting the tables and
// writing the files.
func simData(t testing.TB) (*moments.Data, string, moments.Spec) {
	t.Helper()
	sc, err := scenarios.LoadPreset("default")
	if err != nil {
		t.Fatal(err)
	}
	sc.Population.Size = 3000
	dir := t.TempDir()
	res, err := sim.Run(context.Background(), sc, sim.Options{Out: dir, Collect: true})
	if err != nil {
		t.Fatal(err)
	}
	return &moments.Data{Episodes: res.Episodes, Customers: res.Customers}, dir, moments.SpecFor(sc)
}

// TestSimMatchesFiles: a run's moments are the same from its tables and
// from its files.
func TestSimMatchesFiles(t *testing.T) {
	mem, dir, s := simData(t)
	a, da, err := moments.Compute(mem, s)
	if err != nil {
		t.Fatal(err)
	}
	d, err := moments.Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, db, err := moments.Compute(d, s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(da, db) {
		t.Errorf("tables: %v (dropped %v)\nfiles: %v (dropped %v)", a, da, b, db)
	}
	if len(a) < 20 {
		t.Errorf("only %d moments: %v, dropped %v", len(a), a, da)
	}
}

// TestBootstrapWorkers: the covariance does not depend on the workers.
func TestBootstrapWorkers(t *testing.T) {
	d, _, s := simData(t)
	ms, _, err := moments.Compute(d, s)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	c1, err := moments.Bootstrap(context.Background(), d, s, names, 50, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	c4, err := moments.Bootstrap(context.Background(), d, s, names, 50, 7, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c1, c4) {
		t.Error("1 and 4 workers give different covariances")
	}
	for i := range c1 {
		if !(c1[i][i] > 0) {
			t.Errorf("%s: variance %v", names[i], c1[i][i])
		}
	}
	c5, err := moments.Bootstrap(context.Background(), d, s, names, 50, 8, 4)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(c1, c5) {
		t.Error("seeds 7 and 8 give the same covariance")
	}
}

// synth returns n customers with k episodes each, contacted with
// probability p, everything else fixed.
func synth(n, k int, p float64, seed uint64) *moments.Data {
	s := rng.NewStream(rng.Base(seed, 0))
	id := make([]float64, n)
	churned := make([]float64, n)
	cols := map[string][]float64{}
	names := []string{"customer_id", "failure_type", "severity", "contacted", "responded", "survey_score",
		"resolved", "contacts", "response_hours", "repurchased", "window_complete"}
	for i := range n {
		id[i] = float64(i)
		churned[i] = float64(i % 2)
		for j := range k {
			c := s.Bernoulli(p)
			row := map[string]float64{"customer_id": float64(i), "failure_type": float64(j % 2), "severity": float64(j % 3),
				"contacted": b2f(c), "responded": 0, "survey_score": math.NaN(), "resolved": math.NaN(), "contacts": 0,
				"response_hours": math.NaN(), "repurchased": float64(i % 3 % 2), "window_complete": 1}
			if c {
				row["resolved"], row["contacts"], row["response_hours"] = float64(j%2), 1, float64(j)
				if j%2 == 0 {
					row["responded"], row["survey_score"] = 1, float64(1+i%5)
				}
			}
			for _, name := range names {
				cols[name] = append(cols[name], row[name])
			}
		}
	}
	ep := new(table.Table)
	for _, name := range names {
		_ = ep.Add(name, cols[name])
	}
	cu := new(table.Table)
	_ = cu.Add("customer_id", id)
	_ = cu.Add("churned", churned)
	return &moments.Data{Episodes: ep, Customers: cu}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestBootstrapProportion: for i.i.d. episodes (one per customer) the
// bootstrap variance of contact_rate is p̂(1−p̂)/n. The bootstrap
// variance over B resamples estimates it with a relative standard error
// of √(2/(B−1) + κ/B), κ = (1 − 6p̂(1−p̂))/(n p̂(1−p̂)) the excess
// kurtosis of a mean of n Bernoulli draws: ≈ 0.045 for B = 1000, so 4
// standard errors, 0.18, bound it.
func TestBootstrapProportion(t *testing.T) {
	const n, B = 2000, 1000
	d := synth(n, 1, 0.3, 1)
	s := moments.Spec{FailureTypes: []string{"x", "y"}}
	ms, _, err := moments.Compute(d, s)
	if err != nil {
		t.Fatal(err)
	}
	p := ms[0].Value
	cov, err := moments.Bootstrap(context.Background(), d, s, []string{"contact_rate", "churn_rate"}, B, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := p * (1 - p) / n
	kappa := (1 - 6*p*(1-p)) / (n * p * (1 - p))
	tol := 4 * math.Sqrt(2.0/(B-1)+kappa/B)
	if rel := cov[0][0]/want - 1; math.Abs(rel) > tol {
		t.Errorf("bootstrap variance %.4g, analytic %.4g: relative error %.3f > %.3f", cov[0][0], want, rel, tol)
	}
	if cov[0][1] != cov[1][0] {
		t.Error("covariance not symmetric")
	}
}

// TestBootstrapUndefined: a moment without cases in a resample is an
// error naming it.
func TestBootstrapUndefined(t *testing.T) {
	d, err := moments.Load(writeData(t, tinyEpisodes, tinyCustomers), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = moments.Bootstrap(context.Background(), d, tinySpec, []string{"repurchase[unresolved]"}, 200, 1, 2)
	if err == nil || !strings.Contains(err.Error(), "repurchase[unresolved] is undefined") || !strings.Contains(err.Error(), "MinCount") {
		t.Errorf("error %v", err)
	}
	if _, err = moments.Bootstrap(context.Background(), d, tinySpec, []string{"bogus"}, 10, 1, 2); err == nil {
		t.Error("unknown moment: no error")
	}
}

// BenchmarkBootstrap: 20,000 customers, 50,000 episodes, B = 200.
func BenchmarkBootstrap(b *testing.B) {
	big := synthVar(20000, 50000)
	s := moments.Spec{FailureTypes: []string{"x", "y"}}
	ms, _, err := moments.Compute(big, s)
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	b.ResetTimer()
	for range b.N {
		if _, err := moments.Bootstrap(context.Background(), big, s, names, 200, 1, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// synthVar spreads m episodes over n customers (2 or 3 each).
func synthVar(n, m int) *moments.Data {
	k := m / n
	d := synth(n, k+1, 0.4, 2)
	// Keep the first m episodes: customers 0…m−n·k−1 keep k+1.
	ep := d.Episodes
	keep := make([]bool, ep.Len())
	ids, _ := ep.Col("customer_id")
	extra := m - n*k
	for i, id := range ids {
		j := i % (k + 1)
		keep[i] = j < k || int(id) < extra
	}
	d.Episodes = ep.Select(keep)
	return d
}

// TestBootstrapTwoWay: response times with a shock shared by every
// episode of a week (a queue) and customers with episodes in several
// weeks. The mean response time over W weeks of m contacted episodes
// each, hours = u_week + e, u ~ N(0, σu²), e ~ N(0, σe²), has variance
// σu²/W + σe²/(W·m). The two-way bootstrap (with the week column)
// estimates it; over B resamples of W clusters its relative standard
// error is about √(2/W) (the weeks are the scarce clusters), so it must
// lie within 4 such errors; the customer bootstrap (week column
// dropped) misses the shared shock and is several times too small.
func TestBootstrapTwoWay(t *testing.T) {
	const weeks, perWeek, customers, su, se = 200, 40, 2000, 2.0, 1.0
	src := rng.NewStream(rng.Base(11, 0))
	s := rand.New(&src)
	names := []string{"customer_id", "failure_type", "severity", "contacted", "responded", "survey_score",
		"resolved", "contacts", "response_hours", "repurchased", "window_complete", "week"}
	cols := make(map[string][]float64)
	for w := range weeks {
		u := su * s.NormFloat64()
		for k := range perWeek {
			row := []float64{float64((w*perWeek + k*7) % customers), float64(k % 2), float64(k % 3), 1, 0, math.NaN(),
				1, 1, 20 + u + se*s.NormFloat64(), float64(k % 2), 1, float64(w)}
			for c, name := range names {
				cols[name] = append(cols[name], row[c])
			}
		}
	}
	ep, cu := new(table.Table), new(table.Table)
	for _, name := range names {
		_ = ep.Add(name, cols[name])
	}
	ids, churned := make([]float64, customers), make([]float64, customers)
	for i := range ids {
		ids[i], churned[i] = float64(i), float64(i%4/3)
	}
	_ = cu.Add("customer_id", ids)
	_ = cu.Add("churned", churned)
	spec := moments.Spec{FailureTypes: []string{"x", "y"}}
	want := math.Sqrt(su*su/weeks + se*se/(weeks*perWeek))
	tol := 4 * math.Sqrt(2.0/weeks)
	moment := []string{"response_hours_mean", "churn_rate"}
	two, err := moments.Bootstrap(context.Background(), &moments.Data{Episodes: ep, Customers: cu}, spec, moment, 400, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := math.Sqrt(two[0][0]); math.Abs(got/want-1) > tol {
		t.Errorf("two-way SE %.4f, true SD %.4f: relative error %.3f > %.3f", got, want, got/want-1, tol)
	}
	noWeek := new(table.Table)
	for _, name := range names[:len(names)-1] {
		_ = noWeek.Add(name, cols[name])
	}
	one, err := moments.Bootstrap(context.Background(), &moments.Data{Episodes: noWeek, Customers: cu}, spec, moment, 400, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := math.Sqrt(one[0][0]); got > want/2 {
		t.Errorf("customer bootstrap SE %.4f against true SD %.4f: it should miss the weekly shock", got, want)
	}
	t.Logf("response_hours_mean: true SD %.4f, two-way SE %.4f, customer SE %.4f", want, math.Sqrt(two[0][0]), math.Sqrt(one[0][0]))
	// Churn has no week: both bootstraps give it the customer variance.
	if r := two[1][1] / one[1][1]; math.Abs(r-1) > 0.3 {
		t.Errorf("churn variance two-way / one-way = %.3f, want about 1", r)
	}
}
