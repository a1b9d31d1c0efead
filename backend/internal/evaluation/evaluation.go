// Package evaluation is the stateless rules engine as a stream: an
// evaluation envelope in (household-v1.md), the answer out
// ({"campaign", "results", "summary"}, api-contract.md), one household at a
// time so that a million households take the memory of one. The
// `jingzhun evaluate` command and POST /api/v1/evaluations both run it, so
// they answer byte for byte alike.
package evaluation

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"jingzhun/internal/interchange"
	"jingzhun/internal/rules"
)

// The documents refused whole.
var (
	// ErrNotEnvelope: not JSON, not an object, campaign missing or bad,
	// households missing or not an array, an unknown key beside them
	// (rules.md §6). The command exits 2, the endpoint answers 400.
	ErrNotEnvelope = interchange.ErrNotEnvelope
	// ErrTooManyHouseholds: more than Options.MaxHouseholds households. The
	// endpoint answers 413 naming the limit.
	ErrTooManyHouseholds = interchange.ErrTooManyHouseholds
)

// Options limit a run.
type Options struct {
	// MaxHouseholds > 0 refuses an envelope with more households (the
	// endpoint's 10,000); 0 is no limit (the command).
	MaxHouseholds int
}

// Run reads an envelope from r and writes the answer to w, each result as
// soon as its household is evaluated, one per line. Invalid households are
// results (outcome invalid), not errors. The error is one that
// errors.Is ErrNotEnvelope or ErrTooManyHouseholds, the context's, or a
// reading or writing error; after an error, what was written is incomplete
// and must be discarded (a streamed envelope can turn out malformed after
// its last household).
func Run(ctx context.Context, r io.Reader, w io.Writer, opt Options) error {
	env := interchange.NewEnvelopeReader(r, opt.MaxHouseholds)
	c, err := env.Campaign()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]byte, 0, 4<<10)
	buf = append(buf, `{"campaign":`...)
	buf = interchange.AppendCampaign(buf, c)
	buf = append(buf, `,"results":[`...)
	if _, err := bw.Write(buf); err != nil {
		return err
	}

	counts := make([]int, len(rules.Outcomes))
	var scratch interchange.Household
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw, err := env.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		res := Household(raw, c, &scratch)
		counts[outcomeIndex[res.Outcome]]++
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		buf = res.AppendJSON(buf)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}

	buf = append(buf[:0], "\n],\"summary\":{"...)
	for i, o := range rules.Outcomes {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = interchange.AppendString(buf, string(o))
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(counts[i]), 10)
	}
	buf = append(buf, "}}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

// outcomeIndex is each outcome's place in rules.Outcomes.
var outcomeIndex = func() map[rules.Outcome]int {
	m := make(map[rules.Outcome]int, len(rules.Outcomes))
	for i, o := range rules.Outcomes {
		m[o] = i
	}
	return m
}()

// Household evaluates one household given as raw JSON: decoded and
// validated (rules.md §6), then the rules, or an invalid result naming
// every problem. scratch is reused between calls to spare allocations.
func Household(raw []byte, c interchange.Campaign, scratch *interchange.Household) rules.Result {
	code, errs := interchange.ReadHousehold(raw, c, scratch)
	if len(errs) > 0 {
		return rules.InvalidResult(code, errs)
	}
	return rules.Evaluate(scratch, c)
}

const commandUsage = `Usage: jingzhun evaluate [-i FILE]

Reads an evaluation envelope (household-v1: {"campaign": {...}, "households": [...]})
from FILE or standard input and writes the answer {"campaign", "results", "summary"}
as JSON to standard output. Invalid households are results with outcome "invalid".

Exit status: 0 answered (invalid households included); 2 the input is not an
envelope at all (a one-line reason on standard error), or bad usage; 1 the input
or output could not be read or written.
`

// Command is `jingzhun evaluate [-i FILE]`; it returns the exit status of
// api-contract.md: 0 answered, 2 not an envelope (one line on stderr) or bad
// usage, 1 an input or output failure.
func Command(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, commandUsage) }
	in := fs.String("i", "", "read the envelope from FILE instead of standard input")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "jingzhun evaluate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	r := stdin
	if *in != "" && *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(stderr, "jingzhun evaluate:", err)
			return 1
		}
		defer f.Close()
		r = f
	}
	err := Run(context.Background(), r, stdout, Options{})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrNotEnvelope):
		fmt.Fprintln(stderr, "jingzhun evaluate:", oneLine(err.Error()))
		return 2
	}
	fmt.Fprintln(stderr, "jingzhun evaluate:", oneLine(err.Error()))
	return 1
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
