package sim

import "math"

// Metric is one headline figure of a run, computed from its Summary:
// the one table of names behind truth.json's per-policy metrics and the
// policy comparisons of package compare.
type Metric struct {
	// Name is the key in JSON and CSV output.
	Name string
	// Label is the human-readable name.
	Label string
	// Better is +1 when a higher value is better for the firm or its
	// customers, −1 when lower is better, 0 when neither.
	Better int
	// Dashboard marks what a firm's dashboard shows (survey satisfaction,
	// complaint counts) as opposed to the truth.
	Dashboard bool
	// Digits is the number of decimals to print.
	Digits int
	// Compared marks the metrics policy comparisons report.
	Compared bool `json:"-"`

	value func(*Summary) float64
}

// Value returns the metric of a run's summary (NaN for a Metric not
// taken from Metrics).
func (m Metric) Value(s *Summary) float64 {
	if m.value == nil {
		return math.NaN()
	}
	return m.value(s)
}

// Metrics returns every metric, the compared ones in report order first.
func Metrics() []Metric {
	return []Metric{
		{Name: "contact_rate", Label: "contact rate (share of failures)", Digits: 3, Compared: true,
			value: func(s *Summary) float64 { return s.ContactRate }},
		{Name: "complaints_per_1000", Label: "support contacts per 1,000 customers", Better: -1, Dashboard: true, Digits: 1, Compared: true,
			value: func(s *Summary) float64 { return ratio(1000*float64(s.SupportContacts), float64(s.Customers)) }},
		{Name: "first_contact_resolution", Label: "first-contact resolution", Better: 1, Digits: 3, Compared: true,
			value: func(s *Summary) float64 { return s.FirstContactResolution }},
		{Name: "mean_response_hours", Label: "mean response time (hours)", Better: -1, Digits: 2, Compared: true,
			value: func(s *Summary) float64 { return s.MeanResponseHours }},
		{Name: "survey_mean", Label: "survey satisfaction (dashboard)", Better: 1, Dashboard: true, Digits: 3, Compared: true,
			value: func(s *Summary) float64 { return s.SurveyMean }},
		{Name: "realized_satisfaction", Label: "true satisfaction, all failures", Better: 1, Digits: 3, Compared: true,
			value: func(s *Summary) float64 { return s.RealizedSatisfaction }},
		{Name: "recovery_satisfaction", Label: "true S(1), all failures", Better: 1, Digits: 3, Compared: true,
			value: func(s *Summary) float64 { return s.TrueMeanSatisfaction }},
		{Name: "nps", Label: "NPS (all orders)", Better: 1, Digits: 2, Compared: true,
			value: func(s *Summary) float64 { return s.NPS }},
		{Name: "repurchase_rate", Label: "repurchase after a failure", Better: 1, Digits: 4, Compared: true,
			value: func(s *Summary) float64 { return s.RepurchaseRate }},
		{Name: "churn_rate", Label: "churn", Better: -1, Digits: 4, Compared: true,
			value: func(s *Summary) float64 { return s.ChurnRate }},
		{Name: "revenue", Label: "revenue", Better: 1, Digits: 0, Compared: true,
			value: func(s *Summary) float64 { return s.Revenue }},
		{Name: "recovery_cost", Label: "recovery cost", Better: -1, Digits: 0, Compared: true,
			value: func(s *Summary) float64 { return s.RecoveryCost }},
		{Name: "profit", Label: "profit", Better: 1, Digits: 0, Compared: true,
			value: func(s *Summary) float64 { return s.Profit }},
		{Name: "failure_rate", Label: "failures per order", Better: -1, Digits: 4,
			value: func(s *Summary) float64 { return s.FailureRate }},
		{Name: "retention_rate", Label: "retention", Better: 1, Digits: 4,
			value: func(s *Summary) float64 { return 1 - s.ChurnRate }},
		{Name: "ate_contact_repurchase", Label: "true effect of contacting support on repurchase (ATE)", Digits: 4,
			value: func(s *Summary) float64 { return s.ATE }},
	}
}
