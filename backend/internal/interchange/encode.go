package interchange

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// AppendHousehold appends h as a household-v1 JSON object: every key in the
// format's order, amounts as JSON numbers, unknowns as null, empty lists as
// []. region is left out when nil, registered_on and exited_year when unset.
func AppendHousehold(b []byte, h *Household) []byte {
	b = append(b, `{"code":`...)
	b = AppendString(b, h.Code)
	if h.Region != nil {
		b = append(b, `,"region":{"street":`...)
		b = AppendString(b, h.Region.Street)
		b = append(b, `,"village":`...)
		b = AppendString(b, h.Region.Village)
		b = append(b, `,"group":`...)
		b = AppendString(b, h.Region.Group)
		b = append(b, '}')
	}
	b = append(b, `,"hukou":`...)
	b = AppendString(b, string(h.Hukou))
	b = append(b, `,"rural_resident":`...)
	b = strconv.AppendBool(b, h.RuralResident)
	b = append(b, `,"status":`...)
	b = AppendString(b, string(h.Status))
	if !h.RegisteredOn.IsZero() {
		b = append(b, `,"registered_on":`...)
		b = appendDate(b, h.RegisteredOn)
	}
	if h.ExitedYear != nil {
		b = append(b, `,"exited_year":`...)
		b = strconv.AppendInt(b, int64(*h.ExitedYear), 10)
	}
	b = append(b, `,"dibao":`...)
	b = appendTri(b, h.Dibao)
	b = append(b, `,"income":{"year":`...)
	b = strconv.AppendInt(b, int64(h.Income.Year), 10)
	b = append(b, `,"wage":`...)
	b = appendAmount(b, h.Income.Wage)
	b = append(b, `,"operating":`...)
	b = appendAmount(b, h.Income.Operating)
	b = append(b, `,"property":`...)
	b = appendAmount(b, h.Income.Property)
	b = append(b, `,"transfer":`...)
	b = appendAmount(b, h.Income.Transfer)
	b = append(b, `,"operating_cost":`...)
	b = appendAmount(b, h.Income.OperatingCost)
	b = append(b, `},"housing":{"grade":`...)
	if h.Housing.Grade == "" {
		b = append(b, "null"...)
	} else {
		b = AppendString(b, string(h.Housing.Grade))
	}
	b = append(b, `,"area_m2":`...)
	b = appendAmount(b, h.Housing.AreaM2)
	b = append(b, `},"food_secure":`...)
	b = appendTri(b, h.FoodSecure)
	b = append(b, `,"clothing_secure":`...)
	b = appendTri(b, h.ClothingSecure)
	b = append(b, `,"education_burden_heavy":`...)
	b = appendTri(b, h.EducationBurdenHeavy)
	b = append(b, `,"employs_others_long_term":`...)
	b = appendTri(b, h.EmploysOthersLongTerm)
	b = append(b, `,"findings":{"split_or_merge_for_benefit":`...)
	b = strconv.AppendBool(b, h.Findings.SplitOrMergeForBenefit)
	b = append(b, `,"empty_hung_hukou":`...)
	b = strconv.AppendBool(b, h.Findings.EmptyHungHukou)
	b = append(b, `,"fraud":`...)
	b = strconv.AppendBool(b, h.Findings.Fraud)
	b = append(b, `},"members":[`...)
	for i := range h.Members {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMember(b, &h.Members[i])
	}
	b = append(b, `],"vehicles":[`...)
	for i, v := range h.Vehicles {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"value":`...)
		b = AppendDecimal(b, v.Value)
		b = append(b, `,"acquired_on":`...)
		b = appendDate(b, v.AcquiredOn)
		b = append(b, `,"exit_measure":`...)
		b = strconv.AppendBool(b, v.ExitMeasure)
		b = append(b, '}')
	}
	b = append(b, `],"urban_properties":[`...)
	for i, u := range h.UrbanProperties {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"kind":`...)
		b = AppendString(b, string(u.Kind))
		b = append(b, `,"acquired_on":`...)
		b = appendDate(b, u.AcquiredOn)
		b = append(b, `,"exit_measure":`...)
		b = strconv.AppendBool(b, u.ExitMeasure)
		b = append(b, `,"relocation":`...)
		b = strconv.AppendBool(b, u.Relocation)
		b = append(b, '}')
	}
	b = append(b, `],"businesses":[`...)
	for i, x := range h.Businesses {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"registered_on":`...)
		b = appendDate(b, x.RegisteredOn)
		b = append(b, `,"operating":`...)
		b = strconv.AppendBool(b, x.Operating)
		b = append(b, `,"exit_measure":`...)
		b = strconv.AppendBool(b, x.ExitMeasure)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendMember(b []byte, m *Member) []byte {
	b = append(b, `{"id_number":`...)
	b = AppendString(b, m.IDNumber)
	b = append(b, `,"name":`...)
	b = AppendString(b, m.Name)
	b = append(b, `,"relation":`...)
	b = AppendString(b, string(m.Relation))
	b = append(b, `,"status":`...)
	b = AppendString(b, string(m.Status))
	b = append(b, `,"shares_income":`...)
	b = strconv.AppendBool(b, m.SharesIncome)
	b = append(b, `,"health":`...)
	b = appendEnum(b, string(m.Health))
	b = append(b, `,"schooling":`...)
	b = appendEnum(b, string(m.Schooling))
	b = append(b, `,"dropout":`...)
	b = appendTri(b, m.Dropout)
	b = append(b, `,"medical_insured":`...)
	b = appendTri(b, m.MedicalInsured)
	b = append(b, `,"fiscal_staff_since":`...)
	b = appendDate(b, m.FiscalStaffSince)
	b = append(b, `,"village_cadre_since":`...)
	b = appendDate(b, m.VillageCadreSince)
	return append(b, '}')
}

// MarshalJSON writes the household as AppendHousehold does (encoding/json
// would write shopspring decimals as strings, which the format refuses).
func (h Household) MarshalJSON() ([]byte, error) { return AppendHousehold(nil, &h), nil }

// AppendCampaign appends the campaign parameters as the envelope's
// "campaign" object.
func AppendCampaign(b []byte, c Campaign) []byte {
	b = append(b, `{"campaign_year":`...)
	b = strconv.AppendInt(b, int64(c.CampaignYear), 10)
	b = append(b, `,"income_year":`...)
	b = strconv.AppendInt(b, int64(c.IncomeYear), 10)
	b = append(b, `,"poverty_line":`...)
	b = AppendDecimal(b, c.PovertyLine)
	b = append(b, `,"vehicle_value_limit":`...)
	b = AppendDecimal(b, c.VehicleValueLimit)
	b = append(b, `,"reference_date":`...)
	b = appendDate(b, c.ReferenceDate)
	return append(b, '}')
}

// MarshalJSON writes the campaign as AppendCampaign does.
func (c Campaign) MarshalJSON() ([]byte, error) { return AppendCampaign(nil, c), nil }

// AppendDecimal appends d as a JSON number, exactly (no float in between),
// as d.String() writes it: no exponent, no trailing fractional zeros.
func AppendDecimal(b []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	if exp > 0 || exp < -18 || d.NumDigits() > 18 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	if exp == 0 {
		return strconv.AppendInt(b, c, 10)
	}
	pow := int64(1)
	for range -exp {
		pow *= 10
	}
	b = strconv.AppendInt(b, c/pow, 10)
	frac := c % pow
	if frac == 0 {
		return b
	}
	digits := int(-exp)
	for frac%10 == 0 {
		frac /= 10
		digits--
	}
	b = append(b, '.')
	return appendPadded(b, int(frac), digits)
}

func appendAmount(b []byte, d *decimal.Decimal) []byte {
	if d == nil {
		return append(b, "null"...)
	}
	return AppendDecimal(b, *d)
}

func appendTri(b []byte, v *bool) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *v)
}

// appendEnum writes a nullable enum: "" is null.
func appendEnum(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return AppendString(b, s)
}

// appendDate writes "YYYY-MM-DD", or null for the zero date.
func appendDate(b []byte, d localdate.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendPadded(b, d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	b = appendPadded(b, d.Day, 2)
	return append(b, '"')
}

func appendPadded(b []byte, n, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Control characters, quotes and
// backslashes are escaped, and so are U+2028 and U+2029 (for embedding in
// script); invalid UTF-8 becomes U+FFFD, as encoding/json does.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// EnvelopeWriter writes an evaluation envelope household by household, so
// that a million households never sit in memory: the campaign first (the
// order that lets a reader stream), then the households, one per line.
type EnvelopeWriter struct {
	w   *bufio.Writer
	buf []byte
	n   int
	err error
}

// NewEnvelopeWriter starts an envelope on w with the campaign.
func NewEnvelopeWriter(w io.Writer, c Campaign) *EnvelopeWriter {
	e := &EnvelopeWriter{w: bufio.NewWriterSize(w, 256<<10)}
	e.buf = append(e.buf, `{"campaign":`...)
	e.buf = AppendCampaign(e.buf, c)
	e.buf = append(e.buf, `,"households":[`...)
	_, e.err = e.w.Write(e.buf)
	return e
}

// Write adds one household.
func (e *EnvelopeWriter) Write(h *Household) error {
	if e.err != nil {
		return e.err
	}
	e.buf = e.buf[:0]
	if e.n > 0 {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, '\n')
	e.buf = AppendHousehold(e.buf, h)
	e.n++
	_, e.err = e.w.Write(e.buf)
	return e.err
}

// Close ends the envelope and flushes; it does not close the underlying
// writer.
func (e *EnvelopeWriter) Close() error {
	if e.err != nil {
		return e.err
	}
	if _, e.err = e.w.WriteString("\n]}\n"); e.err != nil {
		return e.err
	}
	e.err = e.w.Flush()
	return e.err
}
