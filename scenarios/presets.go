package scenarios

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed presets/*.toml
var presetFS embed.FS

// Preset is an embedded scenario file.
type Preset struct {
	// Name is the file name without .toml.
	Name string
	// Teaches is the preset's opening comment: what it shows.
	Teaches string
	// Data is the TOML text.
	Data []byte
}

// Presets returns the embedded presets sorted by name.
func Presets() []Preset {
	entries, err := presetFS.ReadDir("presets")
	if err != nil {
		return nil
	}
	var out []Preset
	for _, e := range entries {
		data, err := presetFS.ReadFile("presets/" + e.Name())
		if err != nil {
			continue
		}
		out = append(out, Preset{
			Name:    strings.TrimSuffix(e.Name(), ".toml"),
			Teaches: openingComment(data),
			Data:    data,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupPreset returns the preset called name (with or without .toml).
func LookupPreset(name string) (Preset, bool) {
	name = strings.TrimSuffix(name, ".toml")
	for _, p := range Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// LoadPreset decodes and validates the preset called name.
func LoadPreset(name string) (*Scenario, error) {
	p, ok := LookupPreset(name)
	if !ok {
		return nil, &Error{File: name, Msg: fmt.Sprintf("no such preset; presets are: %s", strings.Join(PresetNames(), ", "))}
	}
	return Parse("preset:"+p.Name, p.Data)
}

// PresetNames lists the preset names.
func PresetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return names
}

// openingComment joins the leading comment lines of a TOML file.
func openingComment(data []byte) string {
	var parts []string
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") {
			break
		}
		t = strings.TrimSpace(strings.TrimPrefix(t, "#"))
		if t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}
