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
       jingzhun gen -vehicles N [-match K] [-seed S] [-o FILE]

With -n, writes an evaluation envelope (household-v1) of N synthetic
households for the 2017 campaign to FILE or standard output.

With -vehicles, writes a police motor vehicle register (机动车登记, the
cross-check dataset "vehicles") of N rows as CSV, for jingzhun import-register
or the import page. The first K rows (-match) are owned by members of the
seed's households 0..K-1: with -seed 2017 the people of the demo register
(serve --demo); the others by people outside the register.

With -db DSN or -data-dir DIR (jingzhun gen -n N [-seed S] -db mysql://…),
writes the N households straight into that database instead: migrated, with
the reference data and the demo accounts, in batches of -batch households
(default 1000) sealed by -workers goroutines; prints rows/s.

The same seed gives the same file.
`

// GenCommand is `jingzhun gen -n N [-seed S] [-o FILE]` or `jingzhun gen
// -vehicles N [-match K] [-seed S] [-o FILE]`: 0 written, 2 bad usage, 1 the
// output could not be written.
func GenCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, genUsage); fs.PrintDefaults() }
	n := fs.Int("n", -1, "number of households (an envelope)")
	vehicles := fs.Int("vehicles", -1, "number of rows of a vehicle register (CSV) instead of an envelope")
	match := fs.Int("match", 0, "with -vehicles: the first K rows belong to members of households 0..K-1")
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
	switch {
	case *n < 0 && *vehicles < 0:
		fmt.Fprintln(stderr, "jingzhun gen: -n N (households, 0 or more) or -vehicles N (register rows) is required")
		return 2
	case *n >= 0 && *vehicles >= 0:
		fmt.Fprintln(stderr, "jingzhun gen: give -n or -vehicles, not both")
		return 2
	case *match < 0 || *match > max(*vehicles, 0):
		fmt.Fprintln(stderr, "jingzhun gen: -match K needs -vehicles N and 0 ≤ K ≤ N")
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
	var err error
	if *vehicles >= 0 {
		err = New(*seed).VehicleRegister(w, *vehicles, *match)
	} else {
		err = New(*seed).Envelope(w, *n)
	}
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
