package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/redress-sim/redress/scenarios"
)

// A scenario file states only what differs from the defaults.
func ExampleParse() {
	s, err := scenarios.Parse("retailer.toml", []byte(`
seed = 7
policy = "generous"

[[policies]]
name = "fast"
response_hours = 2.0

[[policies]]
name = "generous"
refund = 1.2
apology = "sincere"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := s.Policies[s.ActivePolicy()]
	fmt.Println("seed:", s.Seed, "customers:", s.Population.Size)
	fmt.Println("running:", p.Name, "refund:", p.Refund, "response hours:", p.ResponseHours)
	// Output:
	// seed: 7 customers: 20000
	// running: generous refund: 1.2 response hours: 24
}

// Problems are reported together, each with the file, the line, the key
// path and what is allowed.
func ExampleParse_invalid() {
	_, err := scenarios.Parse("retailer.toml", []byte(`
[[policies]]
name = "fast"
refund = -0.1

[[policies]]
name = "slow"
apology = "grovelling"

[failures.delivery_delay]
probability = 1.5
`))
	fmt.Println(err)
	fmt.Println("input error:", scenarios.IsInputError(err))
	// Output:
	// retailer.toml:11: failures.delivery_delay.probability: 1.5 is out of range: a probability must be in [0, 1]
	// retailer.toml:4: policies[0].refund: -0.1 is out of range: a refund (a fraction of the loss; above 1 overcompensates) must be in [0, 2]
	// retailer.toml:8: policies[1].apology: "grovelling" is not allowed: the value must be one of "none", "scripted", "sincere"
	// input error: true
}

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "redress-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "typo.toml")
	if err := os.WriteFile(path, []byte("[[policies]]\nname = \"a\"\nrefundd = 0.5\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	_, err = scenarios.Load(path)
	fmt.Println(filepath.Base(err.Error()))
	// Output:
	// typo.toml:3: policies[0].refundd: unknown key; did you mean "refund"?
}
