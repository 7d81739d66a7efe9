// Package classroom serves redress's classroom page: lessons in which
// students move sliders and watch self-selection happen, the truth beside
// what a firm's dashboard or an estimator shows. A Server is an
// http.Handler with the page and its assets embedded (it needs no
// network), a small JSON API the page uses and scripts may call, and
// limits fit for a class of fifty.
//
// Every lesson builds its scenario from a TOML text (Lesson.TOML), and the
// page shows that text with the redress command that reproduces what it
// shows: the page and the command line can never disagree.
package classroom

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/scenarios"
)

// A Param is one slider (or choice) of a lesson.
type Param struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Help says in a few words what the parameter is.
	Help string `json:"help"`
	// Min, Max, Step and Default bound a numeric parameter; Choices list
	// a categorical one's values (Default is then the index of the
	// default choice).
	Min     float64  `json:"min"`
	Max     float64  `json:"max"`
	Step    float64  `json:"step"`
	Default float64  `json:"default"`
	Choices []string `json:"choices,omitempty"`
}

// Values are a lesson's parameter values: numbers, or for a choice the
// chosen value.
type Values struct {
	num map[string]float64
	str map[string]string
}

// Num returns the numeric parameter name.
func (v Values) Num(name string) float64 { return v.num[name] }

// Str returns the choice parameter name.
func (v Values) Str(name string) string { return v.str[name] }

// A Lesson is a view of the page: its sliders, what to notice and try,
// the scenario its sliders set and what it computes.
type Lesson struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Intro  string   `json:"intro"`
	Notice []string `json:"notice"`
	Try    []string `json:"try"`
	Params []Param  `json:"params"`
	// Replicates reports whether the lesson can run replications.
	Replicates bool `json:"replicates"`

	toml    func(v Values, seed uint64) string
	command string // the redress subcommand and its flags, after "redress"
	run     func(ctx context.Context, sc *scenarios.Scenario, v Values, rep uint64) (*Result, error)
}

// Lessons returns the lessons in page order.
func Lessons() []Lesson {
	return []Lesson{surveyLesson(), contactLesson(), dashboardLesson(), paradoxLesson()}
}

// LessonByID returns the lesson with the given id.
func LessonByID(id string) (Lesson, bool) {
	for _, l := range Lessons() {
		if l.ID == id {
			return l, true
		}
	}
	return Lesson{}, false
}

// ParamError is a parameter out of range or of the wrong kind.
type ParamError struct {
	Param, Msg string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// Parse checks raw parameter values (numbers or strings, as JSON or a
// query string gives them) against the lesson's parameters: a missing
// one takes its default, an unknown one or a value out of range is a
// *ParamError naming it and what is allowed.
func (l Lesson) Parse(raw map[string]any) (Values, error) {
	v := Values{num: map[string]float64{}, str: map[string]string{}}
	for name := range raw {
		if !slices.ContainsFunc(l.Params, func(p Param) bool { return p.Name == name }) {
			return v, &ParamError{name, fmt.Sprintf("not a parameter of lesson %q; its parameters are %s", l.ID, l.paramNames())}
		}
	}
	for _, p := range l.Params {
		x, ok := raw[p.Name]
		if p.Choices != nil {
			s := p.Choices[int(p.Default)]
			if ok {
				str, isStr := x.(string)
				if !isStr || !slices.Contains(p.Choices, str) {
					return v, &ParamError{p.Name, fmt.Sprintf("%v is not allowed: one of %s", x, strings.Join(p.Choices, ", "))}
				}
				s = str
			}
			v.str[p.Name] = s
			continue
		}
		f := p.Default
		if ok {
			var err error
			if f, err = number(x); err != nil || f < p.Min || f > p.Max {
				return v, &ParamError{p.Name, fmt.Sprintf("%v is out of range: a number from %g to %g", x, p.Min, p.Max)}
			}
		}
		v.num[p.Name] = f
	}
	return v, nil
}

func (l Lesson) paramNames() string {
	var names []string
	for _, p := range l.Params {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// number reads a JSON number or a numeric string.
func number(x any) (float64, error) {
	switch t := x.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return 0, fmt.Errorf("not finite")
		}
		return t, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("not a number")
		}
		return f, nil
	}
	return 0, fmt.Errorf("not a number")
}

// TOML is the scenario the lesson runs for v and seed.
func (l Lesson) TOML(v Values, seed uint64) string { return l.toml(v, seed) }

// Scenario parses the lesson's TOML: the scenario the page runs is the
// one the reproduce box shows.
func (l Lesson) Scenario(v Values, seed uint64) (*scenarios.Scenario, error) {
	return scenarios.Parse("classroom-"+l.ID+".toml", []byte(l.toml(v, seed)))
}

// Command is the redress commands (one a line) that reproduce the lesson
// from its TOML saved as classroom-ID.toml.
func (l Lesson) Command() string {
	var lines []string
	for _, c := range strings.Split(l.command, "\n") {
		lines = append(lines, "redress "+strings.ReplaceAll(c, "FILE", "classroom-"+l.ID+".toml"))
	}
	return strings.Join(lines, "\n")
}

// Run computes what the lesson shows for v, seed and replication rep.
func (l Lesson) Run(ctx context.Context, v Values, seed, rep uint64) (*Result, error) {
	sc, err := l.Scenario(v, seed)
	if err != nil {
		return nil, err
	}
	res, err := l.run(ctx, sc, v, rep)
	if err != nil {
		return nil, err
	}
	res.Lesson, res.Seed, res.Replication = l.ID, seed, rep
	res.Reproduce = Reproduce{TOML: l.TOML(v, seed), Command: l.Command()}
	return res, nil
}

// fmtNum writes a parameter in a TOML file.
func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
