package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/study"
)

// listFlag collects a repeated flag's values in order.
type listFlag []string

func (f *listFlag) String() string     { return strings.Join(*f, " ") }
func (f *listFlag) Set(v string) error { *f = append(*f, v); return nil }

// externalFlags are bias's flags for external estimators: the i-th
// --external-name and --external-estimands go with the i-th --external.
type externalFlags struct {
	commands, names, estimands listFlag
	timeout                    *time.Duration
}

func addExternalFlags(fs *flag.FlagSet) *externalFlags {
	x := &externalFlags{}
	fs.Var(&x.commands, "external", "run `\"CMD ARGS\"` as an estimator on each replication's observed data (a CSV file whose path replaces {data} in ARGS, else on standard input); it prints JSON estimates, see docs/studies.md. Repeatable")
	fs.Var(&x.names, "external-name", "method `NAME` of the external estimator (default \"external\"; with several --external, one per command, in order)")
	fs.Var(&x.estimands, "external-estimands", "comma-separated `estimands` the external estimator reports (default: all of the scenario's — textbook: "+
		strings.Join(study.Estimands(study.Kind{Mode: scenarios.ModeTextbook}), ", ")+" (ordered outcome: also cut1); behavioral: "+strings.Join(study.Estimands(study.Kind{Mode: scenarios.ModeBehavioral}), ", ")+
		"; with several --external, none or one list per command, in order)")
	x.timeout = fs.Duration("external-timeout", study.DefaultExternalTimeout, "stop an external command after `D` per replication (a failure for that replication)")
	return x
}

// config returns the external estimators the flags describe.
func (x *externalFlags) config() ([]study.External, error) {
	n := len(x.commands)
	switch {
	case n == 0 && len(x.names)+len(x.estimands) > 0:
		return nil, usageError("bias: --external-name and --external-estimands describe an --external command; give one")
	case *x.timeout <= 0:
		return nil, usageError("bias: --external-timeout must be positive, e.g. 60s, got %s", *x.timeout)
	case len(x.names) != n && !(n == 1 && len(x.names) == 0):
		return nil, usageError("bias: --external-name: give one per --external, in order (%d commands, %d names)", n, len(x.names))
	case len(x.estimands) != 0 && len(x.estimands) != n:
		return nil, usageError("bias: --external-estimands: give none, or one list per --external, in order (%d commands, %d lists)", n, len(x.estimands))
	}
	var out []study.External
	for i, c := range x.commands {
		argv, err := splitCommand(c)
		if err != nil {
			return nil, usageError("bias: --external %q: %v", c, err)
		}
		e := study.External{Name: "external", Command: argv}
		if len(x.names) > 0 {
			e.Name = x.names[i]
		}
		if len(x.estimands) > 0 {
			e.Estimands = append([]string{}, methodList(x.estimands[i])...)
		}
		out = append(out, e)
	}
	return out, nil
}

// externalFlagOf names the flag that set an external estimator's field.
var externalFlagOf = map[string]string{"name": "--external-name", "command": "--external", "estimands": "--external-estimands"}

// externalError restates a study's complaint about an external
// estimator in terms of the flag that set it (nil if err is another).
func externalError(err error, n int) error {
	var xe *study.ExternalError
	if !errors.As(err, &xe) {
		return nil
	}
	which := ""
	if n > 1 {
		which = fmt.Sprintf(" (external estimator %d)", xe.Index+1)
	}
	return usageError("bias: %s%s: %v", externalFlagOf[xe.Field], which, xe.Err)
}

// splitCommand splits a command line into words as a POSIX shell does
// for quoting — 'single quotes' keep everything, "double quotes" keep
// all but \" \\ \$ \`, a backslash outside quotes keeps the next
// character — but runs no shell: no variables, globs, pipes or
// redirections (for those, run sh -c '...').
func splitCommand(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
			continue
		case c == '\'':
			j := indexRune(rs, i+1, '\'')
			if j < 0 {
				return nil, errors.New("unterminated ' quote")
			}
			w.WriteString(string(rs[i+1 : j]))
			i = j
		case c == '"':
			j, err := doubleQuoted(rs, i+1, &w)
			if err != nil {
				return nil, err
			}
			i = j
		case c == '\\' && i+1 < len(rs):
			i++
			w.WriteRune(rs[i])
		default:
			w.WriteRune(c)
		}
		inWord = true
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	return words, nil
}

// indexRune returns the index of r in rs at or after from, or −1.
func indexRune(rs []rune, from int, r rune) int {
	for j := from; j < len(rs); j++ {
		if rs[j] == r {
			return j
		}
	}
	return -1
}

// doubleQuoted writes the inside of a "..." starting at rs[from] to w
// and returns the index of the closing quote.
func doubleQuoted(rs []rune, from int, w *strings.Builder) (int, error) {
	for j := from; j < len(rs); j++ {
		switch {
		case rs[j] == '"':
			return j, nil
		case rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[j+1]):
			j++
		}
		w.WriteRune(rs[j])
	}
	return 0, errors.New(`unterminated " quote`)
}
