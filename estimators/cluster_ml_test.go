package estimators

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// sqrtClusters are the clusters of testdata/r_cluster_ml_reference.R:
// row i (from 0) is in cluster ⌊√i⌋, so that the cluster sizes are 1, 3,
// 5, … (45 clusters for n = 2000).
func sqrtClusters(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = int(math.Sqrt(float64(i)))
	}
	return ids
}

// mlClusterCases are the ML models whose cluster-robust covariance is
// checked against testdata/r_cluster_ml_reference.csv, with the tag of
// their keys and the likelihood-ratio test that clusters remove.
func mlClusterCases(t *testing.T) []struct {
	tag, lr string
	fit     func(Options) (*Result, error)
} {
	op := loadTable(t, "oprobit_sim.csv")
	opX, opNames := op.design(false, "wait", "resolved", "contacts")
	hZ, hs, hzn, hX, hy, hxn := heckprobitSim(t)
	bZ, bd, bzn, bX, by, bxn := biprobitSim(t)
	ho := loadTable(t, "heckoprobit_sim.csv")
	hoZ, hozn := ho.design(true, "x1", "z1")
	hoX, hoxn := ho.design(false, "x1", "x2")
	sZ, sd, sX, sy := loadSwitchingSim(t)
	return []struct {
		tag, lr string
		fit     func(Options) (*Result, error)
	}{
		{"op", "", func(o Options) (*Result, error) { return OProbit(opX, op.cols["score"], opNames, o) }},
		{"hp", "lr_rho0", func(o Options) (*Result, error) { return HeckProbit(hZ, hs, hzn, hX, hy, hxn, o) }},
		{"bp", "lr_rho0", func(o Options) (*Result, error) { return BiProbit(bZ, bd, bzn, bX, by, bxn, "", o) }},
		{"hop", "lr_rho0", func(o Options) (*Result, error) {
			return HeckOProbit(hoZ, ho.cols["s"], hozn, hoX, ho.cols["y"], hoxn, o)
		}},
		{"sw", "lr_independent", func(o Options) (*Result, error) {
			return Switching(sZ, sd, swZNames, sX, swXNames, sX, swXNames, sy, o)
		}},
	}
}

// TestClusterMLVsR compares the cluster-robust standard errors of OProbit,
// HeckProbit, BiProbit, HeckOProbit and Switching with R's
// G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ from numDeriv scores and Hessian of
// likelihoods written independently in R (r_cluster_ml_reference.R): every
// coefficient, auxiliary parameter (ρ, σ, cutpoints), effect and marginal
// effect to 1e-4 relative, the Wald tests likewise; the estimates are
// those of the fit without clusters and match R's to 1e-6; the LR tests
// are omitted.
func TestClusterMLVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_cluster_ml_reference.csv")
	const tolEst, tolSE = 1e-6, 1e-4
	for _, c := range mlClusterCases(t) {
		t.Run(c.tag, func(t *testing.T) {
			plain, err := c.fit(Options{})
			if err != nil {
				t.Fatal(err)
			}
			ids := sqrtClusters(plain.N)
			if g := ids[len(ids)-1] + 1; float64(g) != refGet(t, ref, c.tag+".clusters") {
				t.Fatalf("%d clusters, R %v", g, ref[c.tag+".clusters"])
			}
			res, err := c.fit(Options{Clusters: ids})
			if err != nil {
				t.Fatal(err)
			}
			var me, ms, ratio float64
			for k, eq := range res.Equations {
				for j, co := range eq.Coefs {
					if co.Estimate != plain.Equations[k].Coefs[j].Estimate {
						t.Errorf("%s %s: estimate %v with clusters, %v without", eq.Name, co.Term, co.Estimate, plain.Equations[k].Coefs[j].Estimate)
					}
					refCompare(t, ref, c.tag+".est."+eq.Name+"."+co.Term, co.Estimate, tolEst, &me)
					refCompare(t, ref, c.tag+".se."+eq.Name+"."+co.Term, co.StdError, tolSE, &ms)
					ratio = math.Max(ratio, math.Abs(co.StdError/plain.Equations[k].Coefs[j].StdError-1))
				}
			}
			for _, a := range res.Auxiliary {
				refCompare(t, ref, c.tag+".se.aux."+a.Name, a.StdError, tolSE, &ms)
			}
			for _, a := range res.Effects {
				refCompare(t, ref, c.tag+".se.effect."+a.Name, a.StdError, tolSE, &ms)
			}
			if c.lr != "" {
				if _, ok := res.Test(c.lr); ok || len(res.Tests) != 1 {
					t.Errorf("tests with clusters %+v, want the Wald test only", res.Tests)
				}
				if _, ok := plain.Test(c.lr); !ok {
					t.Errorf("no %s without clusters", c.lr)
				}
			}
			for _, w := range res.Tests {
				refCompare(t, ref, c.tag+".test."+w.Name, w.Statistic, tolSE, &ms)
			}
			t.Logf("%s clustered (%d clusters) vs R: max rel. diff estimates %.2g, SEs and Wald %.2g; SEs moved up to %.0f%% from the unclustered ones",
				res.Method, ids[len(ids)-1]+1, me, ms, 100*ratio)
		})
	}
}

// TestClusterMLRefusals: the ML models refuse weights (ErrWeights) and
// report cluster ids that do not fit the rows.
func TestClusterMLRefusals(t *testing.T) {
	for _, c := range mlClusterCases(t) {
		plain, err := c.fit(Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := make([]float64, plain.N)
		for i := range w {
			w[i] = 1
		}
		if _, err := c.fit(Options{Weights: w}); !errors.Is(err, ErrWeights) || !strings.HasPrefix(err.Error(), plain.Method+": ") {
			t.Errorf("%s with weights: %v, want ErrWeights", c.tag, err)
		}
		for _, e := range []struct {
			ids  []int
			want string
		}{
			{sqrtClusters(plain.N)[:10], "10 cluster ids for"},
			{make([]int, plain.N), "at least 2 clusters, got 1"},
		} {
			if _, err := c.fit(Options{Clusters: e.ids}); err == nil || !strings.Contains(err.Error(), e.want) {
				t.Errorf("%s: clusters error %v, want %q", c.tag, err, e.want)
			}
		}
	}
}
