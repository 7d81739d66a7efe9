package estimators

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestNormalTails(t *testing.T) {
	// log Φ and λ are continuous across the switch to the asymptotic
	// series and match the direct formulas where both are valid.
	for _, x := range []float64{-36.9, -30, -10, -3, 0, 2, 6, 9} {
		want := math.Log(0.5 * math.Erfc(-x/math.Sqrt2))
		if x > 5 {
			// log(1 − q) = −q − q²/2 − …, q = Φ(−x) tiny.
			q := 0.5 * math.Erfc(x/math.Sqrt2)
			want = -q - q*q/2
		}
		if d := math.Abs(logNormCDF(x) - want); d > 1e-13*math.Abs(want)+1e-300 {
			t.Errorf("logNormCDF(%v) = %v, want %v", x, logNormCDF(x), want)
		}
	}
	below, above := logNormCDF(math.Nextafter(tailCut, -100)), logNormCDF(tailCut)
	if math.Abs(below-above) > 1e-12*math.Abs(above) {
		t.Errorf("logNormCDF jumps at the cut: %v vs %v", below, above)
	}
	lb, la := invMills(math.Nextafter(tailCut, -100)), invMills(tailCut)
	if math.Abs(lb-la) > 1e-12*la {
		t.Errorf("invMills jumps at the cut: %v vs %v", lb, la)
	}
	for _, x := range []float64{-1e3, -1e6, -50} {
		l := invMills(x)
		if !(l > -x && l < -x-1/x+1e-9) {
			t.Errorf("invMills(%v) = %v outside (−x, −x − 1/x)", x, l)
		}
		if v := logNormCDF(x); math.IsInf(v, 0) || math.IsNaN(v) {
			t.Errorf("logNormCDF(%v) = %v", x, v)
		}
	}
	if v := logNormCDF(8); !(v < 0 && v > -1e-14) {
		t.Errorf("logNormCDF(8) = %v, want ≈ −6.2e−16", v)
	}
}

// genLinear draws y = 1 + 2x + e with heteroskedastic e.
func genLinear(n int, seed uint64) (*mat.Dense, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	X := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range y {
		x := r.NormFloat64()
		X.Set(i, 0, 1)
		X.Set(i, 1, x)
		y[i] = 1 + 2*x + (0.5+math.Abs(x))*r.NormFloat64()
	}
	return X, y
}

func TestErrors(t *testing.T) {
	X, y := genLinear(50, 1)
	names := []string{"(Intercept)", "x"}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"collinear", func() error {
			Xc := mat.NewDense(50, 3, nil)
			for i := 0; i < 50; i++ {
				Xc.Set(i, 0, 1)
				Xc.Set(i, 1, X.At(i, 1))
				Xc.Set(i, 2, 3*X.At(i, 1)-2)
			}
			_, err := OLS(Xc, y, []string{"(Intercept)", "x", "z"}, Options{})
			return err
		}, `column "z" is collinear`},
		{"nan", func() error {
			y2 := append([]float64(nil), y...)
			y2[7] = math.NaN()
			_, err := OLS(X, y2, names, Options{})
			return err
		}, "row 8"},
		{"names", func() error { _, err := OLS(X, y, names[:1], Options{}); return err }, "names"},
		{"binary outcome", func() error { _, err := Logit(X, y, names, Options{}); return err }, "must be 0 or 1"},
		{"separation", func() error {
			s := make([]float64, 50)
			for i := range s {
				if X.At(i, 1) > 0 {
					s[i] = 1
				}
			}
			_, err := Probit(X, s, names, Options{})
			return err
		}, "separation"},
		{"logit separation", func() error {
			s := make([]float64, 50)
			for i := range s {
				if X.At(i, 1) > 0 {
					s[i] = 1
				}
			}
			_, err := Logit(X, s, names, Options{})
			return err
		}, "separation"},
		{"quasi-complete separation", func() error {
			// d = 1 implies s = 1; d = 0 leaves s random.
			r := rand.New(rand.NewPCG(3, 3))
			Xq := mat.NewDense(200, 3, nil)
			s := make([]float64, 200)
			for i := range s {
				d := float64(r.IntN(2))
				x := r.NormFloat64()
				Xq.Set(i, 0, 1)
				Xq.Set(i, 1, x)
				Xq.Set(i, 2, d)
				if d == 1 || r.Float64() < 0.4 {
					s[i] = 1
				}
			}
			_, err := Logit(Xq, s, []string{"(Intercept)", "x", "d"}, Options{})
			return err
		}, "separation"},
		{"iterations", func() error {
			s := make([]float64, 50)
			for i := range s {
				s[i] = float64(i % 2)
			}
			_, err := Probit(X, s, names, Options{MaxIter: 1})
			return err
		}, "did not converge after 1 iterations"},
		{"no selected", func() error {
			_, err := Heckit(X, make([]float64, 50), names, X, y, names, Options{})
			return err
		}, "no selected observations"},
		{"no unselected", func() error {
			s := make([]float64, 50)
			for i := range s {
				s[i] = 1
			}
			_, err := Heckit(X, s, names, X, y, names, Options{})
			return err
		}, "no unselected observations"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestHeckitIgnoresUnselectedOutcomes(t *testing.T) {
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(11, 0)), 500, 0.6)
	a, err := Heckit(Z, s, []string{"(Intercept)", "z1", "x1"}, X, y, []string{"(Intercept)", "x1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	y2 := append([]float64(nil), y...)
	for i := range y2 {
		if s[i] == 0 {
			y2[i] = math.NaN()
		}
	}
	b, err := Heckit(Z, s, []string{"(Intercept)", "z1", "x1"}, X, y2, []string{"(Intercept)", "x1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("NaN outcomes of unselected rows changed the result")
	}
}

func TestJSON(t *testing.T) {
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(5, 0)), 400, 0.6)
	res, err := Heckit(Z, s, []string{"(Intercept)", "z1", "x1"}, X, y, []string{"(Intercept)", "x1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	js := string(j)
	order := []string{`"method":"heckit"`, `"n":400`, `"n_selected":`, `"equations":{"selection":[{"term":"(Intercept)","estimate":`,
		`"std_error":`, `"outcome":[`, `"auxiliary":{"lambda":{"estimate":`, `"sigma":{"estimate":`, `"rho":{"estimate":`,
		`"effects":{}`, `"converged":true`, `"iterations":`, `"log_likelihood":null`, `"aic":null`, `"bic":null}`}
	pos := 0
	for _, o := range order {
		k := strings.Index(js[pos:], o)
		if k < 0 {
			t.Fatalf("JSON lacks %s in order:\n%s", o, js)
		}
		pos += k
	}
	if strings.Contains(js, `"sigma":{"estimate":`+"") && strings.Contains(js[strings.Index(js, `"sigma"`):strings.Index(js, `"rho"`)], "std_error") {
		t.Errorf("sigma has a standard error in %s", js)
	}
	var back map[string]any
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	// Deterministic.
	j2, _ := json.Marshal(res)
	if string(j2) != js {
		t.Error("JSON differs between two marshals")
	}
	// Never NaN.
	bad := &Result{Method: "ols", Equations: []Equation{{Name: "outcome", Coefs: []Coef{{Term: "x", Estimate: math.NaN()}}}}}
	if _, err := json.Marshal(bad); err == nil {
		t.Error("a NaN estimate was marshalled")
	}
	c := Coef{Estimate: 1.96, StdError: 1}
	if p := c.PValue(); math.Abs(p-0.05) > 1e-3 {
		t.Errorf("PValue = %v", p)
	}
	if lo, hi := c.CI95(); math.Abs(lo) > 1e-3 || math.Abs(hi-3.92) > 1e-3 {
		t.Errorf("CI95 = %v, %v", lo, hi)
	}
}

func TestBlocksDeterministic(t *testing.T) {
	// More rows than a block, so several blocks run on several goroutines;
	// the same call must give identical bits every time.
	X, y := genLinear(3*blockRows+17, 9)
	names := []string{"(Intercept)", "x"}
	var first string
	for i := 0; i < 3; i++ {
		res, err := OLS(X, y, names, Options{VCE: HC1})
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(res)
		if i == 0 {
			first = string(j)
		} else if string(j) != first {
			t.Fatal("results differ between runs")
		}
	}
}
