package estimate

import (
	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// A Session fits several Specs to one table and shares work between
// them: heckit and heckman fits of the same equations (Specs equal but
// for Method) read the same designs, and the second starts from the
// selection probit and least-squares step the first computed (see
// estimators.SelectionData) instead of computing them again. Every
// result is identical to Fit's. A bias study fits both models to each
// replication's table this way.
//
// The table's existing columns must not change while the Session is in
// use (adding columns is fine). A Session is not safe for concurrent use.
type Session struct {
	t   *table.Table
	sel map[Spec]*selectionFit // by the Spec with Method ""
}

// selectionFit is the data of a selection model in a Session and the
// fitter state that built it.
type selectionFit struct {
	data                           *estimators.SelectionData
	dropped, deselected, nclusters int
	used, clusters                 []int
}

// NewSession starts a Session of fits to t.
func NewSession(t *table.Table) *Session {
	return &Session{t: t, sel: map[Spec]*selectionFit{}}
}

// Fit fits spec's model to the Session's table, as Fit does. A bootstrap
// is run as by Fit, without sharing.
func (s *Session) Fit(spec Spec) (*Result, error) {
	if spec.Bootstrap != 0 || spec.Workers != 0 || spec.Seed != 0 {
		return Fit(s.t, spec)
	}
	r, _, err := fitOnce(s.t, spec, s)
	return r, err
}
