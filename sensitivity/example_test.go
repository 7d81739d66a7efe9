package sensitivity_test

import (
	"context"
	"fmt"
	"math"

	"github.com/redress-sim/redress/sensitivity"
)

// Sobol indices of the Ishigami function f = sin x1 + 7 sin² x2 +
// 0.1 x3⁴ sin x1: analytically S1 = 0.314, 0.442, 0 and
// ST = 0.558, 0.442, 0.244.
func ExampleSobol() {
	f := func(_ context.Context, x []float64) (float64, error) {
		s := math.Sin(x[0])
		return s + 7*math.Pow(math.Sin(x[1]), 2) + 0.1*math.Pow(x[2], 4)*s, nil
	}
	inputs := []sensitivity.Input{{Name: "x1", Lo: -math.Pi, Hi: math.Pi},
		{Name: "x2", Lo: -math.Pi, Hi: math.Pi}, {Name: "x3", Lo: -math.Pi, Hi: math.Pi}}
	res, err := sensitivity.Sobol(context.Background(), f, inputs, 4096, sensitivity.Options{Seed: 1, Bootstrap: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, in := range res.Inputs {
		fmt.Printf("%s  S1 %.2f ± %.2f  ST %.2f ± %.2f\n", in.Name,
			res.First[i].Estimate, res.First[i].SE, res.Total[i].Estimate, res.Total[i].SE)
	}
	// Output:
	// x1  S1 0.31 ± 0.02  ST 0.55 ± 0.02
	// x2  S1 0.42 ± 0.01  ST 0.42 ± 0.01
	// x3  S1 -0.01 ± 0.01  ST 0.24 ± 0.01
}

// Morris screening of f = 4·x1 + x2² + x1·x3 on [0, 1]³: x1 acts most;
// the effects of x1 and x3 vary through their interaction, that of x2
// through its curvature, so no σ is 0.
func ExampleMorris() {
	f := func(_ context.Context, x []float64) (float64, error) {
		return 4*x[0] + x[1]*x[1] + x[0]*x[2], nil
	}
	inputs := []sensitivity.Input{{Name: "x1", Lo: 0, Hi: 1}, {Name: "x2", Lo: 0, Hi: 1}, {Name: "x3", Lo: 0, Hi: 1}}
	res, err := sensitivity.Morris(context.Background(), f, inputs, 50, 4, sensitivity.Options{Seed: 1, Bootstrap: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, in := range res.Inputs {
		e := res.Effects[i]
		fmt.Printf("%s  μ* %.2f  μ %.2f  σ %.2f\n", in.Name, e.MuStar.Estimate, e.Mu.Estimate, e.Sigma.Estimate)
	}
	// Output:
	// x1  μ* 4.47  μ 4.47  σ 0.38
	// x2  μ* 0.96  μ 0.96  σ 0.33
	// x3  μ* 0.55  μ 0.55  σ 0.37
}
