package network_test

import (
	"fmt"

	"github.com/redress-sim/redress/network"
	"github.com/redress-sim/redress/rng"
)

// A word-of-mouth network for 10,000 people — say 2,000 current
// customers (nodes 0..1999) and 8,000 prospects — as a Watts–Strogatz
// small world and as a heavy-tailed configuration model.
func ExampleBuild() {
	key := rng.Base(1, 0).Purpose(7) // a key dedicated to the network

	sw, err := network.Build(key, network.Spec{
		Kind: network.SmallWorld, N: 10000, MeanDegree: 10, Rewire: 0.1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("small world: %d nodes, %d edges, mean degree %.1f, clustering %.2f\n",
		sw.N(), sw.Edges(), sw.MeanDegree(), sw.Clustering(1000))

	cm, err := network.Build(key, network.Spec{
		Kind: network.Configuration, N: 10000, MeanDegree: 10,
		Dist: network.Lognormal, Sigma: 1, MaxDegree: 200,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := cm.Stats()
	fmt.Printf("lognormal: mean degree %.2f, max degree %d ≤ %d, %d of %d stubs erased\n",
		cm.MeanDegree(), cm.MaxDegree(), st.DegreeCap, st.ErasedStubs(), st.Stubs)

	// Word of mouth from the first 2,000 customers reaches their
	// neighbours, listed into one reused buffer (no allocation per call).
	var buf []int32
	reached := make(map[int32]bool)
	for c := range 2000 {
		buf = sw.AppendNeighbours(buf[:0], c)
		for _, k := range buf {
			reached[k] = true
		}
	}
	fmt.Println("customer 0 tells", sw.Degree(0), "people;", len(reached), "people hear from a customer")

	_, err = network.Build(key, network.Spec{Kind: network.SmallWorld, N: 10000, MeanDegree: 5})
	fmt.Println(err)
	// Output:
	// small world: 10000 nodes, 50000 edges, mean degree 10.0, clustering 0.48
	// lognormal: mean degree 9.83, max degree 186 ≤ 200, 296 of 98574 stubs erased
	// customer 0 tells 10 people; 8921 people hear from a customer
	// network: small-world mean degree k = 5 must be an even integer
}
