package textbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/truth"
)

// Output file names, in the order Write publishes them.
const (
	EpisodesFile      = "episodes.csv"
	TruthEpisodesFile = "truth_episodes.csv"
	CodebookFile      = "codebook.json"
	TruthFile         = "truth.json"
)

// FileNames returns the names of the files Write writes for sc.
func FileNames(sc *scenarios.Scenario) []string {
	names := []string{EpisodesFile}
	if sc.Output.TruthEpisodes {
		names = append(names, TruthEpisodesFile)
	}
	return append(names, CodebookFile, TruthFile)
}

// NewTruthFile returns the content of truth.json for sample s of
// scenario sc, replication rep. hash is sc.Hash() when the caller has it
// (a study computes it once, not per replication); empty, it is computed.
func NewTruthFile(sc *scenarios.Scenario, hash string, rep uint64, s *Sample) (*truth.File, error) {
	h, err := hash, error(nil)
	if h == "" {
		h, err = sc.Hash()
	}
	if err != nil {
		return nil, err
	}
	return &truth.File{Scenario: sc.Name, ScenarioHash: h, Mode: "textbook", Seed: sc.Seed,
		Replication: rep, Version: truth.Version, Estimands: Truth(sc.Textbook, s)}, nil
}

// outcomeType is the codebook type of y and w.
func outcomeType(tb *scenarios.Textbook) string {
	switch tb.Outcome {
	case "binary":
		return "binary"
	case "ordered":
		return "integer"
	}
	return "number"
}

// outcomeWord describes the variable v built from the latent index.
func outcomeWord(tb *scenarios.Textbook, v, index string) string {
	switch tb.Outcome {
	case "binary":
		return v + " = 1{" + index + " > 0}"
	case "ordered":
		return v + " = 1 + the number of textbook.cutpoints below " + index + fmt.Sprintf(" (1 to %d)", len(tb.Cutpoints)+1)
	}
	return v + " = " + index
}

// NewCodebook describes every column Write writes for sc.
func NewCodebook(sc *scenarios.Scenario) *outfile.Codebook {
	tb := &sc.Textbook
	k := len(tb.Beta) - 1
	typ, what := "number", "standard normal"
	switch tb.Covariates {
	case "uniform":
		what = "uniform on [−√3, √3] (mean 0, variance 1)"
	case "binary":
		typ, what = "binary", "0/1 with P(1) = 1/2"
	}
	corr := fmt.Sprintf("; correlation %v with every other covariate and z", tb.CovariateCorrelation)
	cols := []outfile.Column{{Name: "episode_id", Type: "integer", Observed: true,
		Description: "observation identifier, from 0"}}
	for _, nm := range CovariateNames(k) {
		cols = append(cols, outfile.Column{Name: nm, Type: typ, Observed: true,
			Description: "covariate " + nm + ", in both the selection and the outcome equation; " + what + corr})
	}
	cols = append(cols,
		outfile.Column{Name: "z", Type: typ, Observed: true,
			Description: "excluded instrument z: moves contact (coefficient textbook.exclusion) but not satisfaction or outcome; " + what + corr},
		outfile.Column{Name: "contacted", Type: "binary", Observed: true,
			Description: "selection / treatment s = 1{γ0 + Σ γj xj + γz z + u > 0}"},
		outfile.Column{Name: "satisfaction", Type: outcomeType(tb), Observed: true,
			Description: outcomeWord(tb, "y", "β0 + Σ βj xj + σε") + "; empty when not contacted (observed only for the selected)"},
		outfile.Column{Name: "outcome", Type: outcomeType(tb), Observed: true,
			Description: outcomeWord(tb, "w", "β0 + Σ βj xj + δ·contacted + σε") + ", observed for every observation"},
	)
	cb := &outfile.Codebook{Scenario: sc.Name, Mode: "textbook", Files: []outfile.FileSpec{{
		File:        EpisodesFile,
		Description: "One row per observation of the textbook selection / endogenous-treatment model: what the firm observes.",
		Columns:     cols,
	}}}
	if sc.Output.TruthEpisodes {
		cb.Files = append(cb.Files, outfile.FileSpec{
			File:        TruthEpisodesFile,
			Description: "Per-observation errors, latent satisfaction and potential outcomes; never observed by the firm. Rows match episodes.csv by episode_id.",
			Columns: []outfile.Column{
				{Name: "episode_id", Type: "integer", Observed: false, Description: "observation identifier, as in episodes.csv"},
				{Name: "u", Type: "number", Observed: false, Description: "selection error u (mean 0, variance 1)"},
				{Name: "e", Type: "number", Observed: false, Description: "standardised outcome error ε (mean 0, variance 1, corr(u, ε) = rho); the outcome error is σε"},
				{Name: "satisfaction_latent", Type: outcomeType(tb), Observed: false, Description: "y for every observation, contacted or not"},
				{Name: "outcome_1", Type: outcomeType(tb), Observed: false, Description: "potential outcome w(1) had the observation contacted: " + outcomeWord(tb, "w(1)", "β0 + Σ βj xj + δ + σε")},
				{Name: "outcome_0", Type: outcomeType(tb), Observed: false, Description: "potential outcome w(0) had it not contacted: " + outcomeWord(tb, "w(0)", "β0 + Σ βj xj + σε") + " = y"},
			},
		})
	}
	return cb
}

// Write writes the observed data (episodes.csv), optionally the
// per-observation truth (truth_episodes.csv, when sc.Output.TruthEpisodes),
// codebook.json and truth.json for sample s of scenario sc, replication
// rep, into the existing directory dir. s must have been drawn with
// sc.Seed, rep and sc.Textbook.
//
// Every file is first written in full to a temporary name; only when all
// are complete are they renamed, in the order of FileNames. On any error
// the unpublished temporary files are removed, so no partial file is
// left under a final name. Numbers are written in their shortest exact
// form, so the same sample gives byte-identical files.
func Write(dir string, sc *scenarios.Scenario, rep uint64, s *Sample) (err error) {
	if s == nil {
		return errors.New("textbook: write: no sample")
	}
	if s.Seed != sc.Seed || s.Rep != rep {
		return fmt.Errorf("textbook: write: the sample was drawn with seed %d, replication %d, not seed %d, replication %d", s.Seed, s.Rep, sc.Seed, rep)
	}
	if k := len(sc.Textbook.Beta) - 1; k != len(s.X) || len(sc.Textbook.Gamma) != len(sc.Textbook.Beta) {
		return fmt.Errorf("textbook: write: the sample has %d covariates but the scenario's textbook.beta implies %d", len(s.X), k)
	}
	tf, err := NewTruthFile(sc, "", rep, s)
	if err != nil {
		return err
	}
	tfJSON, err := json.MarshalIndent(tf, "", "  ")
	if err != nil {
		return fmt.Errorf("textbook: write %s: %w", TruthFile, err)
	}
	cb := NewCodebook(sc)
	cbJSON, err := json.MarshalIndent(cb, "", "  ")
	if err != nil {
		return fmt.Errorf("textbook: write %s: %w", CodebookFile, err)
	}

	var files []*outfile.File
	defer func() {
		if err != nil {
			for _, f := range files { // Abort is a no-op on committed files
				f.Abort()
			}
		}
	}()
	create := func(name string) (*outfile.File, error) {
		f, err := outfile.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		return f, nil
	}
	wrap := func(name string, err error) error {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}

	eps, err := create(EpisodesFile)
	if err != nil {
		return err
	}
	if err := writeEpisodes(eps, cb.Files[0], s); err != nil {
		return wrap(EpisodesFile, err)
	}
	if sc.Output.TruthEpisodes {
		te, err := create(TruthEpisodesFile)
		if err != nil {
			return err
		}
		if err := writeTruthEpisodes(te, cb.Files[1], s); err != nil {
			return wrap(TruthEpisodesFile, err)
		}
	}
	for _, j := range [...]struct {
		name string
		data []byte
	}{{CodebookFile, cbJSON}, {TruthFile, tfJSON}} {
		f, err := create(j.name)
		if err != nil {
			return err
		}
		if _, err := f.Write(append(j.data, '\n')); err != nil {
			return wrap(j.name, err)
		}
	}
	// One set: every file of an earlier run in dir goes before any of
	// this run's is renamed into place, and truth.json comes last.
	return outfile.CommitAll(outfile.RunFiles(), files...)
}

func writeEpisodes(f *outfile.File, spec outfile.FileSpec, s *Sample) error {
	if _, err := f.Write(spec.Header()); err != nil {
		return err
	}
	var r outfile.Row
	for i := range s.N {
		r.Reset()
		r.Int(int64(i))
		for _, x := range s.X {
			r.Float(x[i])
		}
		r.Float(s.Z[i])
		r.Bool(s.S[i])
		if s.S[i] {
			r.Float(s.Y[i])
		} else {
			r.Empty()
		}
		r.Float(s.W[i])
		if _, err := f.Write(r.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeTruthEpisodes(f *outfile.File, spec outfile.FileSpec, s *Sample) error {
	if _, err := f.Write(spec.Header()); err != nil {
		return err
	}
	var r outfile.Row
	for i := range s.N {
		r.Reset()
		r.Int(int64(i))
		r.Float(s.U[i])
		r.Float(s.E[i])
		r.Float(s.Y[i])
		r.Float(s.W1[i])
		r.Float(s.W0[i])
		if _, err := f.Write(r.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
