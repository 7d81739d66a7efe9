package outfile

import "encoding/json"

// Column describes one column of an output CSV file.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // integer, number, binary, category, string
	Unit        string `json:"unit,omitempty"`
	Observed    bool   `json:"observed_by_firm"`
	Description string `json:"description"`
}

// FileSpec describes one output file.
type FileSpec struct {
	File        string   `json:"file"`
	Description string   `json:"description"`
	Columns     []Column `json:"columns"`
}

// Codebook describes every output file of a run.
type Codebook struct {
	Scenario string     `json:"scenario"`
	Mode     string     `json:"mode"`
	Files    []FileSpec `json:"files"`
}

// Header returns the comma-separated column names of a file spec.
func (f FileSpec) Header() []byte {
	var r Row
	for _, c := range f.Columns {
		r.Str(c.Name)
	}
	return r.Bytes()
}

// Write writes the codebook as indented JSON to path atomically.
func (c *Codebook) Write(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(b, '\n'))
}
