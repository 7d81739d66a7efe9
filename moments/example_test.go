package moments_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/redress-sim/redress/moments"
	"github.com/redress-sim/redress/table"
)

func ExampleCompute() {
	// A firm's records in the import format (read from files with Load).
	const episodes = `customer_id,failure_type,severity,contacted,responded,survey_score,resolved,contacts,response_hours,repurchased,window_complete
c1,delivery_delay,low,1,1,4,1,1,3.5,1,1
c1,damaged_item,high,0,0,,,0,,0,1
c2,delivery_delay,medium,1,0,,0,2,20,0,1
c3,damaged_item,high,1,1,2,1,1,6,1,0
`
	const customers = `customer_id,churned
c1,0
c2,1
c3,0
c4,0
`
	ep, err := table.ReadCSV(strings.NewReader(episodes), "episodes.csv")
	if err != nil {
		log.Fatal(err)
	}
	cu, err := table.ReadCSV(strings.NewReader(customers), "customers.csv")
	if err != nil {
		log.Fatal(err)
	}
	spec := moments.Spec{FailureTypes: []string{"delivery_delay", "damaged_item"}, MinCount: 2}
	ms, dropped, err := moments.Compute(&moments.Data{Episodes: ep, Customers: cu}, spec)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms[:4] {
		fmt.Printf("%-28s %.3f  (N = %d)\n", m.Name, m.Value, m.N)
	}
	fmt.Println("dropped:", dropped[0])
	// Output:
	// contact_rate                 0.750  (N = 4)
	// contact_rate[delivery_delay] 1.000  (N = 2)
	// contact_rate[damaged_item]   0.500  (N = 2)
	// contact_rate[severity=high]  0.500  (N = 2)
	// dropped: nps: no nps_score column
}
