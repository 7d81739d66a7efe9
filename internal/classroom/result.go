package classroom

import (
	"math"
	"strconv"
)

// Num is a number in the API's JSON: null when not finite (an estimator
// that failed, a mean over nobody).
type Num float64

// MarshalJSON writes the number, or null.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', 10, 64), nil
}

// Result is what a lesson shows for one set of slider values.
type Result struct {
	Lesson      string `json:"lesson"`
	Seed        uint64 `json:"seed"`
	Replication uint64 `json:"replication"`
	// Headline sets what the firm sees beside the truth.
	Headline []Figure `json:"headline"`
	// Estimand and Estimates: each estimator's estimate of the estimand
	// with its 95% interval, beside the truth (textbook lessons).
	Estimand  *Estimand  `json:"estimand,omitempty"`
	Estimates []Estimate `json:"estimates,omitempty"`
	// Points is a sample of the population (textbook lessons).
	Points *Points `json:"points,omitempty"`
	// Metrics are a policy's figures beside the baseline's (dashboard).
	Metrics []MetricRow `json:"metrics,omitempty"`
	// Bars are the lesson's effects (paradox).
	Bars []Figure `json:"bars,omitempty"`
	// Messages say in words what the numbers show.
	Messages  []string  `json:"messages"`
	Reproduce Reproduce `json:"reproduce"`
}

// Figure is a labelled number: Kind "truth", "dashboard" or "effect".
type Figure struct {
	Label string `json:"label"`
	Value Num    `json:"value"`
	Kind  string `json:"kind"`
}

// Estimand is what the estimators estimate, and its true value.
type Estimand struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Definition string `json:"definition"`
	Truth      Num    `json:"truth"`
	// Others are related true values (ATT, ATU).
	Others []Figure `json:"others,omitempty"`
}

// Estimate is one estimator's estimate with its normal 95% interval.
type Estimate struct {
	Method   string `json:"method"`
	Label    string `json:"label"`
	Estimate Num    `json:"estimate"`
	SE       Num    `json:"se"`
	Lo       Num    `json:"lo"`
	Hi       Num    `json:"hi"`
	Covers   bool   `json:"covers"`
	Error    string `json:"error,omitempty"`
}

// Points are up to maxPoints observations: X against Y, Selected marks
// those the firm observes.
type Points struct {
	XLabel   string `json:"x_label"`
	YLabel   string `json:"y_label"`
	X        []Num  `json:"x"`
	Y        []Num  `json:"y"`
	Selected []bool `json:"selected"`
	// N is the sample size the points are drawn from, Observed how many
	// of the N the firm observes.
	N        int `json:"n"`
	Observed int `json:"observed"`
}

// MetricRow is one metric under the baseline policy and the student's.
type MetricRow struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Dashboard bool   `json:"dashboard"`
	Better    int    `json:"better"`
	Baseline  Num    `json:"baseline"`
	Yours     Num    `json:"yours"`
	Diff      Num    `json:"diff"`
	Digits    int    `json:"digits"`
}

// Reproduce is the scenario and command that give what the page shows.
type Reproduce struct {
	TOML    string `json:"toml"`
	Command string `json:"command"`
}
