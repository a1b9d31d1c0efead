// Command decodeonly is the yardstick of scripts/bench/evaluate.sh: it
// streams an evaluation envelope with encoding/json into the typed
// household-v1 structs (interchange.Campaign, interchange.Household) and
// does nothing more — no checks, no rules, no output but a count. The
// benchmark compares `jingzhun evaluate` on the same file with it.
//
//	go run ./tools/decodeonly FILE
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"jingzhun/internal/interchange"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: decodeonly FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	n, err := decode(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "decodeonly:", err)
		os.Exit(1)
	}
	fmt.Printf("%d households decoded\n", n)
}

// decode reads {"campaign": {...}, "households": [...]} in that order, one
// household at a time.
func decode(r io.Reader) (int, error) {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // {
		return 0, err
	}
	n := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return n, err
		}
		switch key {
		case "campaign":
			var c interchange.Campaign
			if err := dec.Decode(&c); err != nil {
				return n, err
			}
		case "households":
			if _, err := dec.Token(); err != nil { // [
				return n, err
			}
			for dec.More() {
				var h interchange.Household
				if err := dec.Decode(&h); err != nil {
					return n, err
				}
				n++
			}
			if _, err := dec.Token(); err != nil { // ]
				return n, err
			}
		default:
			return n, fmt.Errorf("unexpected key %v", key)
		}
	}
	_, err := dec.Token() // }
	return n, err
}
