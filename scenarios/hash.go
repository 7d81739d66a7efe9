package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"reflect"

	"github.com/BurntSushi/toml"
)

// Hash is the hex SHA-256 of the scenario's canonical TOML encoding,
// the scenario_hash of truth.json and study.json. Empty lists count as
// absent, so a scenario file that spells out `refund_by_severity = []`
// (as `redress init` prints it) hashes like one that leaves it out:
// identical scenarios give identical hashes.
func (s *Scenario) Hash() (string, error) {
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		return "", err
	}
	h := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(h[:]), nil
}

// Encode writes the scenario's canonical TOML encoding (every key, empty
// lists left out) to w: a scenario file that Load reads back as s.
func (s *Scenario) Encode(w io.Writer) error {
	c := s.Clone()
	nilEmpty(reflect.ValueOf(c).Elem())
	if err := toml.NewEncoder(w).Encode(c); err != nil {
		return fmt.Errorf("encode scenario %q: %w", s.Name, err)
	}
	return nil
}

// nilEmpty sets every empty slice under v to nil.
func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				nilEmpty(f)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if v.CanSet() {
				v.SetZero()
			}
			return
		}
		for i := range v.Len() {
			nilEmpty(v.Index(i))
		}
	}
}
