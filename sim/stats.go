package sim

import (
	"github.com/redress-sim/redress/agents"
	"github.com/redress-sim/redress/policies"
)

// Episode is one failure episode: what the firm observes and, for the
// truth files, the potential outcomes.
type Episode struct {
	Customer    int32
	Week        int32
	Segment     uint8
	AgeBand     uint8
	Region      uint8
	FailureType uint8
	SeverityCat uint8
	Contacts    uint8
	Survey      int8 // −1 when not answered
	NPS         int8 // −1 when not answered
	Tenure      float64
	OrderValue  float64
	Severity    float64
	Instrument  float64
	Contacted   bool
	Proactive   bool
	Repeat      bool
	Resolved    bool
	// FirstContactResolved: the first contact resolved the issue.
	FirstContactResolved bool
	Repurchased          bool
	// Abandoned: the customer gave up waiting for support; FirstHandled:
	// the first contact reached an agent (was not abandoned).
	Abandoned, FirstHandled bool
	// ExitedAtFailure: the customer left at the failure itself, silent
	// or after a failed recovery.
	ExitedAtFailure bool
	// Complier: contacts with the instrument on and not without it.
	Complier bool
	// FailedRecovery: the recovery (had the customer contacted) was
	// itself a deviation: abandoned, the loss not remedied, or far short
	// of E^R.
	FailedRecovery bool
	ResponseHours  float64
	// RevenueBase is the customer's revenue to date, this order included;
	// spend within the horizon is measured against it.
	RevenueBase float64
	Refund      float64
	RS          float64
	// Truth.
	U, E     float64 // contact and satisfaction errors
	Index    float64 // systematic part of the contact index
	S1, S0   float64 // latent satisfaction with and without recovery
	SNoFail  float64 // satisfaction had the order not failed
	Y1, Y0   bool    // repurchase within H weeks with and without contact
	EY1, EY0 float64 // their probabilities
	YNoFail  bool    // repurchase within H weeks had the order not failed
	EYNoFail float64
	// Exit1, Exit0, ExitNoFail: left within H weeks before repurchasing.
	Exit1, Exit0, ExitNoFail bool
	// Gone1, Gone0, GoneNoFail: left within H weeks at all; Spend1,
	// Spend0, SpendNoFail: spend within H weeks (the orders after the
	// episode, replayed), with contact, without, had nothing failed.
	Gone1, Gone0, GoneNoFail    bool
	Spend1, Spend0, SpendNoFail float64
	// The psychology of the episode: expectation E, perceived
	// performance P, transaction satisfaction S_tx, loss aversion λ,
	// recovery expectation E^R, the justice of the recovery (J_d, J_p,
	// J_i) had the customer contacted, compensation relative to the loss
	// and the share of the loss restored, and the bond before the
	// episode (trust, cumulative satisfaction).
	Expectation, Performance, Stx, Lambda float64
	RecoveryExpectation                   float64
	Justice                               [3]float64
	Compensation, Restored                float64
	rs1                                   float64
	Trust, Cumulative                     float64
	APEResponse                           float64
	APERefund                             float64
	APEApology                            float64
}

// Stats accumulates one run's (or week's, or block's) totals. Every
// field is a count or a sum, so totals combine by addition in a fixed
// order.
type Stats struct {
	ActiveWeeks      int64 // customer-weeks of active customers
	Exits            int64
	FailureExits     int64 // customers who left at a failure itself
	CouponsRedeemed  int64
	Arrivals         int64   // prospects who became customers
	Abandoned        int64   // contacts abandoned in the queue
	AgentHours       float64 // paid agent hours (response-time target)
	AgentHoursWorked float64 // agent hours spent on contacts
	TerminalValue    float64 // set once, at the end of a run
	SumOrderS        float64 // Σ latent satisfaction over all orders
	// Failures and contacted failures in the first and last quarter of
	// the recorded weeks (stationarity).
	QuarterFailures, QuarterContacted [2]int64
	Orders                            int64
	Revenue                           float64
	Failures                          int64
	Contacted                         int64 // episodes with a support contact (incl. proactive)
	Proactive                         int64
	SupportContacts                   int64 // contacts handled, repeats included
	FirstResolved                     int64
	FirstHandled                      int64 // contacts whose first contact reached an agent
	Resolved                          int64
	SumRS                             float64
	SumResponse                       float64
	Promoters                         int64 // over all orders
	Detractors                        int64
	EpisodePromoters                  int64
	EpisodeDetractors                 int64
	Responses                         int64 // survey answers
	SumSurvey                         float64
	Costs                             policies.Costs

	// Truth over failure episodes.
	SumY1, SumY0       [2]float64 // by contacted (index 1) or not (0)
	SumEY1, SumEY0     [2]float64
	Count              [2]int64
	RepurchasedBy      [2]int64 // observed repurchases by contact status
	SumScore1          float64  // Σ Score(S(1)) over all failures
	SumScoreObs        float64  // Σ Score(S) for the observed branch
	SumS1              float64
	SumAPEResponse     float64
	SumAPERefund       float64
	SumAPEApology      float64
	SumScore1Contacted float64
	// Recovery paradox: Σ S(1) − S(no failure) over first-time
	// low-severity failures, and over repeat failures.
	SumGapFirstMild float64
	CountFirstMild  int64
	SumGapRepeat    float64
	CountRepeat     int64
	// Σ S(1) − S(no failure) over low-severity repeat failures.
	SumGapRepeatMild float64
	CountRepeatMild  int64
	// Σ S(1) − S(no failure) over first-time high-severity failures.
	SumGapFirstSevere float64
	CountFirstSevere  int64
	// The same for repurchase: Σ P(Y(1)) − P(Y no failure).
	SumRepGapFirstMild float64
	SumRepGapRepeat    float64
	// Exit before repurchase within H, by branch.
	SumExit1, SumExit0, SumExitNoFail float64
	// Spend and leaving at all within H, by branch.
	SumSpend1, SumSpend0, SumSpendNoFail float64
	SumSpendReal                         float64 // the branch that happened
	SumGone1, SumGone0, SumGoneNoFail    float64
	SumEYNoFail                          float64
	// Compliers (LATE) and the double deviation.
	CountComplier                int64
	SumComplierY1, SumComplierY0 float64
	CountFailedRec               int64
	SumFailedRecGap              float64 // Σ S(1) − S(0) over failed recoveries
}

func (s *Stats) add(o *Stats) {
	s.ActiveWeeks += o.ActiveWeeks
	s.Exits += o.Exits
	s.FailureExits += o.FailureExits
	s.CouponsRedeemed += o.CouponsRedeemed
	s.Arrivals += o.Arrivals
	s.Abandoned += o.Abandoned
	s.AgentHours += o.AgentHours
	s.AgentHoursWorked += o.AgentHoursWorked
	s.TerminalValue += o.TerminalValue
	s.SumOrderS += o.SumOrderS
	for k := range 2 {
		s.QuarterFailures[k] += o.QuarterFailures[k]
		s.QuarterContacted[k] += o.QuarterContacted[k]
	}
	s.Orders += o.Orders
	s.Revenue += o.Revenue
	s.Failures += o.Failures
	s.Contacted += o.Contacted
	s.Proactive += o.Proactive
	s.SupportContacts += o.SupportContacts
	s.FirstResolved += o.FirstResolved
	s.FirstHandled += o.FirstHandled
	s.Resolved += o.Resolved
	s.SumRS += o.SumRS
	s.SumResponse += o.SumResponse
	s.Promoters += o.Promoters
	s.Detractors += o.Detractors
	s.EpisodePromoters += o.EpisodePromoters
	s.EpisodeDetractors += o.EpisodeDetractors
	s.Responses += o.Responses
	s.SumSurvey += o.SumSurvey
	s.Costs.Add(o.Costs)
	for k := range 2 {
		s.SumY1[k] += o.SumY1[k]
		s.SumY0[k] += o.SumY0[k]
		s.SumEY1[k] += o.SumEY1[k]
		s.SumEY0[k] += o.SumEY0[k]
		s.Count[k] += o.Count[k]
		s.RepurchasedBy[k] += o.RepurchasedBy[k]
	}
	s.SumScore1 += o.SumScore1
	s.SumScoreObs += o.SumScoreObs
	s.SumS1 += o.SumS1
	s.SumAPEResponse += o.SumAPEResponse
	s.SumAPERefund += o.SumAPERefund
	s.SumAPEApology += o.SumAPEApology
	s.SumScore1Contacted += o.SumScore1Contacted
	s.SumGapFirstMild += o.SumGapFirstMild
	s.CountFirstMild += o.CountFirstMild
	s.SumGapRepeat += o.SumGapRepeat
	s.CountRepeat += o.CountRepeat
	s.SumRepGapFirstMild += o.SumRepGapFirstMild
	s.SumGapFirstSevere += o.SumGapFirstSevere
	s.SumGapRepeatMild += o.SumGapRepeatMild
	s.CountRepeatMild += o.CountRepeatMild
	s.CountFirstSevere += o.CountFirstSevere
	s.SumRepGapRepeat += o.SumRepGapRepeat
	s.SumExit1 += o.SumExit1
	s.SumExit0 += o.SumExit0
	s.SumExitNoFail += o.SumExitNoFail
	s.SumSpend1 += o.SumSpend1
	s.SumSpend0 += o.SumSpend0
	s.SumSpendNoFail += o.SumSpendNoFail
	s.SumSpendReal += o.SumSpendReal
	s.SumGone1 += o.SumGone1
	s.SumGone0 += o.SumGone0
	s.SumGoneNoFail += o.SumGoneNoFail
	s.SumEYNoFail += o.SumEYNoFail
	s.CountComplier += o.CountComplier
	s.SumComplierY1 += o.SumComplierY1
	s.SumComplierY0 += o.SumComplierY0
	s.CountFailedRec += o.CountFailedRec
	s.SumFailedRecGap += o.SumFailedRecGap
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addEpisode accumulates one failure episode.
func (s *Stats) addEpisode(ep *Episode, m *agents.Model) {
	s.Failures++
	c := b2i(ep.Contacted)
	s.Count[c]++
	s.SumY1[c] += b2f(ep.Y1)
	s.SumY0[c] += b2f(ep.Y0)
	s.SumEY1[c] += ep.EY1
	s.SumEY0[c] += ep.EY0
	if ep.Repurchased {
		s.RepurchasedBy[c]++
	}
	sc1 := m.Score(ep.S1)
	s.SumScore1 += sc1
	s.SumS1 += ep.S1
	if ep.Contacted {
		s.SumScoreObs += sc1
		s.SumScore1Contacted += sc1
	} else {
		s.SumScoreObs += m.Score(ep.S0)
	}
	s.addGaps(ep)
	s.addBranches(ep)
	s.SumAPEResponse += ep.APEResponse
	s.SumAPERefund += ep.APERefund
	s.SumAPEApology += ep.APEApology
	if ep.Contacted {
		s.addContact(ep)
	}
}

// addGaps accumulates the recovery paradox, repeat-failure and double
// deviation gaps of an episode.
func (s *Stats) addGaps(ep *Episode) {
	gap := ep.S1 - ep.SNoFail
	switch {
	case ep.Repeat:
		s.SumGapRepeat += gap
		s.SumRepGapRepeat += ep.EY1 - ep.EYNoFail
		s.CountRepeat++
		if ep.SeverityCat == 0 {
			s.SumGapRepeatMild += gap
			s.CountRepeatMild++
		}
	case ep.SeverityCat == 0:
		s.SumGapFirstMild += gap
		s.SumRepGapFirstMild += ep.EY1 - ep.EYNoFail
		s.CountFirstMild++
	case ep.SeverityCat == 2:
		s.SumGapFirstSevere += gap
		s.CountFirstSevere++
	}
	if ep.FailedRecovery {
		s.CountFailedRec++
		s.SumFailedRecGap += ep.S1 - ep.S0
	}
}

// addBranches accumulates the outcomes of an episode's three branches:
// exits, spend, leaving, and the compliers' outcomes.
func (s *Stats) addBranches(ep *Episode) {
	s.SumExit1 += b2f(ep.Exit1)
	s.SumExit0 += b2f(ep.Exit0)
	s.SumExitNoFail += b2f(ep.ExitNoFail)
	s.SumSpend1 += ep.Spend1
	s.SumSpend0 += ep.Spend0
	s.SumSpendNoFail += ep.SpendNoFail
	if ep.Contacted {
		s.SumSpendReal += ep.Spend1
	} else {
		s.SumSpendReal += ep.Spend0
	}
	s.SumGone1 += b2f(ep.Gone1)
	s.SumGone0 += b2f(ep.Gone0)
	s.SumGoneNoFail += b2f(ep.GoneNoFail)
	s.SumEYNoFail += ep.EYNoFail
	if ep.Complier {
		s.CountComplier++
		s.SumComplierY1 += b2f(ep.Y1)
		s.SumComplierY0 += b2f(ep.Y0)
	}
}

// addContact accumulates what a contacted episode's recovery did.
func (s *Stats) addContact(ep *Episode) {
	s.Contacted++
	s.SumRS += ep.RS
	s.SumResponse += ep.ResponseHours
	s.Proactive += int64(b2i(ep.Proactive))
	s.FirstResolved += int64(b2i(ep.FirstContactResolved))
	s.FirstHandled += int64(b2i(ep.FirstHandled))
	s.Resolved += int64(b2i(ep.Resolved))
	if ep.Survey >= 0 {
		s.Responses++
		s.SumSurvey += float64(ep.Survey)
	}
}

// RS1 is the recovery satisfaction had the customer contacted, from the
// justice components (RS holds it only for contacted episodes).
func (ep *Episode) RS1() float64 { return ep.rs1 }
