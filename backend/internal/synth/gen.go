package synth

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"jingzhun/internal/interchange"
)

// Envelope writes households 0..n-1 as an evaluation envelope to w,
// streaming: memory holds one household whatever n is.
func (g *Generator) Envelope(w io.Writer, n int) error {
	ew := interchange.NewEnvelopeWriter(w, g.Campaign)
	for i := range n {
		h := g.Household(i)
		if err := ew.Write(&h); err != nil {
			return err
		}
	}
	return ew.Close()
}

const genUsage = `Usage: jingzhun gen -n N [-seed S] [-o FILE]

Writes an evaluation envelope (household-v1) of N synthetic households for the
2017 campaign to FILE or standard output. The same seed gives the same file.
`

// GenCommand is `jingzhun gen -n N [-seed S] [-o FILE]`: 0 written, 2 bad
// usage, 1 the output could not be written.
func GenCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, genUsage); fs.PrintDefaults() }
	n := fs.Int("n", -1, "number of households (required)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("o", "", "write to FILE instead of standard output")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "jingzhun gen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *n < 0 {
		fmt.Fprintln(stderr, "jingzhun gen: -n N is required (the number of households, 0 or more)")
		return 2
	}
	w := stdout
	var f *os.File
	if *out != "" && *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintln(stderr, "jingzhun gen:", err)
			return 1
		}
		w = f
	}
	err := New(*seed).Envelope(w, *n)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "jingzhun gen:", err)
		return 1
	}
	return 0
}
