package interchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The two ways a whole document is refused (rules.md §6, api-contract.md).
var (
	// ErrNotEnvelope: the document is not an evaluation envelope at all.
	ErrNotEnvelope = errors.New("not an evaluation envelope")
	// ErrTooManyHouseholds: the envelope holds more households than allowed.
	ErrTooManyHouseholds = errors.New("too many households")
)

// EnvelopeError says why a document is not an envelope; errors.Is(err,
// ErrNotEnvelope) holds. Reason is one line of Chinese.
type EnvelopeError struct{ Reason string }

func (e *EnvelopeError) Error() string {
	return "不是评估信封（evaluation envelope）：" + e.Reason
}
func (e *EnvelopeError) Is(target error) bool { return target == ErrNotEnvelope }

// LimitError says the envelope holds more than Limit households;
// errors.Is(err, ErrTooManyHouseholds) holds.
type LimitError struct{ Limit int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("一次最多评估 %d 户，信封中的户数超过上限", e.Limit)
}
func (e *LimitError) Is(target error) bool { return target == ErrTooManyHouseholds }

func notEnvelope(format string, args ...any) error {
	return &EnvelopeError{Reason: fmt.Sprintf(format, args...)}
}

// Bounds of campaign parameters (household-v1.schema.json).
const (
	minCampaignYear = 2000
	maxCampaignYear = 2100
)

var campaignFields = newFields(
	fieldSpec[Campaign]{"campaign_year", true, func(p *parser, c *Campaign) { c.CampaignYear, _ = p.integer() }},
	fieldSpec[Campaign]{"income_year", true, func(p *parser, c *Campaign) { c.IncomeYear, _ = p.integer() }},
	fieldSpec[Campaign]{"poverty_line", true, func(p *parser, c *Campaign) { c.PovertyLine, _ = p.decimalNumber() }},
	fieldSpec[Campaign]{"vehicle_value_limit", true, func(p *parser, c *Campaign) { c.VehicleValueLimit, _ = p.decimalNumber() }},
	fieldSpec[Campaign]{"reference_date", true, func(p *parser, c *Campaign) { c.ReferenceDate = p.date() }},
)

// DecodeCampaign reads the envelope's "campaign" object strictly. Every
// parameter is required and typed: years are integers 2000–2100, the poverty
// line and vehicle limit numbers above 0, the reference date a real date.
// A failure is an *EnvelopeError naming every fault.
func DecodeCampaign(data []byte) (Campaign, error) {
	var c Campaign
	p := parser{data: data}
	p.push("campaign")
	readObject(&p, campaignFields, &c, "对象")
	p.ws()
	if p.broken || p.pos != len(data) {
		return c, notEnvelope("campaign 不是有效的 JSON")
	}
	if len(p.errs) == 0 {
		check := func(key string, bad bool, msg string) {
			if bad {
				p.failAt(key, msg)
			}
		}
		check("campaign_year", c.CampaignYear < minCampaignYear || c.CampaignYear > maxCampaignYear, fmt.Sprintf("应为%d至%d之间的年份", minCampaignYear, maxCampaignYear))
		check("income_year", c.IncomeYear < minCampaignYear || c.IncomeYear > maxCampaignYear, fmt.Sprintf("应为%d至%d之间的年份", minCampaignYear, maxCampaignYear))
		check("poverty_line", c.PovertyLine.Sign() <= 0, "应为大于0的数")
		check("vehicle_value_limit", c.VehicleValueLimit.Sign() <= 0, "应为大于0的数")
	}
	if len(p.errs) > 0 {
		parts := make([]string, len(p.errs))
		for i, e := range p.errs {
			parts[i] = e.Path + " " + e.Message
		}
		return c, notEnvelope("%s", strings.Join(parts, "；"))
	}
	return c, nil
}

// EnvelopeReader reads an evaluation envelope from a stream with
// encoding/json's Decoder: the envelope's keys with Token, the campaign and
// then each household as raw JSON with Decode, so that memory holds one
// household at a time however long the file.
//
// Keys may come in any order (a JSON object is unordered). With "campaign"
// before "households" — the order every writer here uses — households
// stream. With "households" first, they are held (as raw JSON) until the
// campaign has been read, since no household can be checked without it.
// A repeated "campaign" before the households counts with its last value;
// a repeated "households", or a "campaign" repeated after streamed
// households, cannot keep the last value without holding everything, and is
// refused as not an envelope.
type EnvelopeReader struct {
	dec   *json.Decoder
	limit int

	campaign     Campaign
	haveCampaign bool
	state        readerState
	held         [][]byte
	raw          json.RawMessage
	count        int
}

type readerState uint8

const (
	stateStart     readerState = iota
	stateStreaming             // inside "households", campaign known
	stateHeld                  // envelope read whole; households held
	stateDone
)

// NewEnvelopeReader reads from r. maxHouseholds > 0 refuses an envelope
// with more households (a *LimitError) as soon as one too many is met;
// 0 means no limit.
func NewEnvelopeReader(r io.Reader, maxHouseholds int) *EnvelopeReader {
	dec := json.NewDecoder(r)
	// Token would read a number outside the envelope's objects as float64
	// and fail on 1e700 with a type error; as json.Number it is just a
	// token that is not where an envelope needs it.
	dec.UseNumber()
	return &EnvelopeReader{dec: dec, limit: maxHouseholds}
}

// decodeError turns a Decoder error into "not JSON" where it is one, and
// passes a reading error through.
func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return notEnvelope("不是有效的 JSON（第%d字节附近：%s）", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		return notEnvelope("不是评估信封：%s", typ.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return notEnvelope("JSON 不完整，在结尾前中断")
	case errors.Is(err, io.EOF):
		return notEnvelope("输入为空，应为 JSON 对象 {\"campaign\": {...}, \"households\": [...]}")
	}
	return err
}

// Campaign reads up to the households and returns the campaign. It must be
// called once, before Next.
func (e *EnvelopeReader) Campaign() (Campaign, error) {
	if e.state != stateStart {
		return e.campaign, errors.New("interchange: Campaign called twice")
	}
	tok, err := e.dec.Token()
	if err != nil {
		return Campaign{}, decodeError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return Campaign{}, notEnvelope("顶层应为 JSON 对象 {\"campaign\": {...}, \"households\": [...]}")
	}
	haveHouseholds := false
	for {
		tok, err := e.dec.Token()
		if err != nil {
			return Campaign{}, decodeError(err)
		}
		key, ok := tok.(string)
		if !ok { // the closing brace
			break
		}
		switch key {
		case "campaign":
			if err := e.readCampaign(); err != nil {
				return Campaign{}, err
			}
		case "households":
			if haveHouseholds {
				return Campaign{}, notEnvelope("households 出现了两次")
			}
			haveHouseholds = true
			if err := e.openHouseholds(); err != nil {
				return Campaign{}, err
			}
			if e.haveCampaign {
				e.state = stateStreaming
				return e.campaign, nil
			}
			if err := e.holdHouseholds(); err != nil {
				return Campaign{}, err
			}
		default:
			return Campaign{}, notEnvelope("未知字段 %q（信封只有 campaign 和 households）", key)
		}
	}
	if !e.haveCampaign {
		return Campaign{}, notEnvelope("缺少 campaign")
	}
	if !haveHouseholds {
		return Campaign{}, notEnvelope("缺少 households")
	}
	if err := e.end(); err != nil {
		return Campaign{}, err
	}
	e.state = stateHeld
	return e.campaign, nil
}

func (e *EnvelopeReader) readCampaign() error {
	if err := e.dec.Decode(&e.raw); err != nil {
		return decodeError(err)
	}
	c, err := DecodeCampaign(e.raw)
	if err != nil {
		return err
	}
	e.campaign, e.haveCampaign = c, true
	return nil
}

func (e *EnvelopeReader) openHouseholds() error {
	tok, err := e.dec.Token()
	if err != nil {
		return decodeError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		// Token consumed the opening of an object: report, do not read on.
		return notEnvelope("households 应为数组")
	}
	return nil
}

// holdHouseholds keeps the households met before the campaign.
func (e *EnvelopeReader) holdHouseholds() error {
	for e.dec.More() {
		if err := e.countOne(); err != nil {
			return err
		}
		if err := e.dec.Decode(&e.raw); err != nil {
			return decodeError(err)
		}
		e.held = append(e.held, append([]byte(nil), e.raw...))
	}
	_, err := e.dec.Token() // ]
	if err != nil {
		return decodeError(err)
	}
	return nil
}

func (e *EnvelopeReader) countOne() error {
	e.count++
	if e.limit > 0 && e.count > e.limit {
		return &LimitError{Limit: e.limit}
	}
	return nil
}

// end checks that nothing follows the envelope's closing brace.
func (e *EnvelopeReader) end() error {
	tok, err := e.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	var syn *json.SyntaxError
	if err != nil && !errors.As(err, &syn) {
		return decodeError(err)
	}
	_ = tok // a second value, or bytes that are no JSON at all
	return notEnvelope("信封之后还有多余的内容")
}

// Next returns the next household as raw JSON (valid until the next call),
// or io.EOF once the envelope has ended and been checked to the last byte.
func (e *EnvelopeReader) Next() ([]byte, error) {
	switch e.state {
	case stateStreaming:
		if e.dec.More() {
			if err := e.countOne(); err != nil {
				return nil, err
			}
			if err := e.dec.Decode(&e.raw); err != nil {
				return nil, decodeError(err)
			}
			return e.raw, nil
		}
		if _, err := e.dec.Token(); err != nil { // ]
			return nil, decodeError(err)
		}
		if err := e.rest(); err != nil {
			return nil, err
		}
		e.state = stateDone
		return nil, io.EOF
	case stateHeld:
		if len(e.held) == 0 {
			e.state = stateDone
			return nil, io.EOF
		}
		h := e.held[0]
		e.held[0] = nil
		e.held = e.held[1:]
		return h, nil
	case stateDone:
		return nil, io.EOF
	}
	return nil, errors.New("interchange: Next called before Campaign")
}

// rest reads what follows a streamed households array: only the closing
// brace may (a repeated key cannot keep its last value once households have
// streamed, and any other key is unknown).
func (e *EnvelopeReader) rest() error {
	tok, err := e.dec.Token()
	if err != nil {
		return decodeError(err)
	}
	switch tok {
	case "campaign":
		return notEnvelope("campaign 在 households 之后又出现了一次")
	case "households":
		return notEnvelope("households 出现了两次")
	case json.Delim('}'):
		return e.end()
	}
	return notEnvelope("未知字段 %q（信封只有 campaign 和 households）", tok)
}

// Count is the number of households read so far.
func (e *EnvelopeReader) Count() int { return e.count }
