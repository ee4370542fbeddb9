// Writes what gopkg.in/yaml.v2 v2.4.0 (the serializer of the Go WhaTap operator's
// scrape_config.yaml) prints for a corpus of values, so the TypeScript emitter in
// packages/operator/src/render/scrape/Yaml.ts can be compared with it without Go.
//
// Input (a file argument, or stdin): a JSON array of values. Strings, booleans and
// integers stand for themselves, arrays for sequences, and {"$map": [[key, value], ...]}
// for a mapping with keys in that order (a yaml.MapSlice).
// Output (stdout): a JSON array, one entry per line, each with the input value as
// given and five documents:
//
//	root:   value
//	map:    {"k": value}
//	seq:    [value]
//	key:    {value: "v"}            (strings only: the value as a mapping key)
//	nested: {"a": {"b": [{"k": value, "z": [value]}]}}
//
// Regenerate the fixture: see regenerate.sh next to this file.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v2"
)

type entry struct {
	Value  json.RawMessage `json:"value"`
	Root   string          `json:"root"`
	Map    string          `json:"map"`
	Seq    string          `json:"seq"`
	Key    *string         `json:"key,omitempty"`
	Nested string          `json:"nested"`
}

func main() {
	input, err := readInput()
	check(err)
	var raws []json.RawMessage
	check(json.Unmarshal(input, &raws))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintln(out, "[")
	for i, raw := range raws {
		line, err := render(raw)
		check(err)
		sep := ","
		if i == len(raws)-1 {
			sep = ""
		}
		fmt.Fprintf(out, "%s%s\n", line, sep)
	}
	fmt.Fprintln(out, "]")
}

func readInput() ([]byte, error) {
	if len(os.Args) > 1 {
		return os.ReadFile(os.Args[1])
	}
	return io.ReadAll(os.Stdin)
}

func render(raw json.RawMessage) ([]byte, error) {
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var generic interface{}
	if err := decoder.Decode(&generic); err != nil {
		return nil, err
	}
	value, err := convert(generic)
	if err != nil {
		return nil, err
	}
	e := entry{Value: raw, Root: marshal(value)}
	e.Map = marshal(yaml.MapSlice{{Key: "k", Value: value}})
	e.Seq = marshal([]interface{}{value})
	if s, ok := value.(string); ok {
		key := marshal(yaml.MapSlice{{Key: s, Value: "v"}})
		e.Key = &key
	}
	inner := yaml.MapSlice{{Key: "k", Value: value}, {Key: "z", Value: []interface{}{value}}}
	e.Nested = marshal(yaml.MapSlice{{Key: "a", Value: yaml.MapSlice{{Key: "b", Value: []interface{}{inner}}}}})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// convert turns decoded JSON into the Go values yaml.v2 sees in the operator:
// string, bool, int64, []interface{} and yaml.MapSlice.
func convert(v interface{}) (interface{}, error) {
	switch x := v.(type) {
	case string, bool:
		return x, nil
	case json.Number:
		return x.Int64()
	case []interface{}:
		out := make([]interface{}, 0, len(x))
		for _, item := range x {
			c, err := convert(item)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	case map[string]interface{}:
		pairs, ok := x["$map"].([]interface{})
		if !ok || len(x) != 1 {
			return nil, fmt.Errorf("object must be {\"$map\": [[key, value], ...]}")
		}
		ms := yaml.MapSlice{}
		for _, p := range pairs {
			pair, ok := p.([]interface{})
			if !ok || len(pair) != 2 {
				return nil, fmt.Errorf("map entry must be [key, value]")
			}
			key, ok := pair[0].(string)
			if !ok {
				return nil, fmt.Errorf("map key must be a string")
			}
			value, err := convert(pair[1])
			if err != nil {
				return nil, err
			}
			ms = append(ms, yaml.MapItem{Key: key, Value: value})
		}
		return ms, nil
	}
	return nil, fmt.Errorf("unsupported value %v", v)
}

func marshal(v interface{}) string {
	out, err := yaml.Marshal(v)
	check(err)
	return string(out)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
