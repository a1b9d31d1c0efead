package interchange

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzDecodeHousehold: whatever the bytes (an import file's household, a
// pushed record), the strict decoder and ReadHousehold do not panic, every
// problem has a message, and a household the decoder accepts is valid JSON
// that survives the round trip: encoded, it decodes again without problems
// to the same encoding and the same validation result.
func FuzzDecodeHousehold(f *testing.F) {
	f.Add([]byte(baseJSON))
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"code":"a","code":1}`, `{"members":[{"id_number":"11010519491231002x"}]}`,
		`{"income":{"year":2016.0,"wage":1e400,"operating":"5"}}`, `{"income":{"wage":0.000000000000000000001}}`,
		`{"housing":{"grade":"E","area_m2":-0}}`, `{"code":"\u0000\ud800","members":null}`, `{"vehicles":[{"value":1e15}]}`,
		`{"registered_on":"2016-02-29","exited_year":2016.5}`, `{"dibao":null,"food_secure":"true"}`, `{"code":"a"} x`,
		`{"findings":{"fraud":true,"favourite_colour":"blue"}}`, "{\"code\":\"\xff\xfe\"}", `{"region":{"street":5}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Household
		_, errs := DecodeHousehold(data, &h)
		var r Household
		_, rerrs := ReadHousehold(data, campaign2017, &r)
		for _, e := range append(slices.Clone(errs), rerrs...) {
			if e.Message == "" {
				t.Fatalf("problem without a message at %q", e.Path)
			}
		}
		if len(errs) > 0 {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("decoder accepted what is not JSON: %q", data)
		}
		out := AppendHousehold(nil, &h)
		if !json.Valid(out) {
			t.Fatalf("encoding is not JSON:\n%s", out)
		}
		var again Household
		if _, errs := DecodeHousehold(out, &again); len(errs) > 0 {
			t.Fatalf("the encoding of an accepted household is refused: %v\n%s\nfrom %q", errs, out, data)
		}
		if out2 := AppendHousehold(nil, &again); string(out2) != string(out) {
			t.Fatalf("round trip differs:\n%s\n%s", out, out2)
		}
		if a, b := paths(Validate(&h, campaign2017)), paths(Validate(&again, campaign2017)); !slices.Equal(a, b) {
			t.Fatalf("validation differs after the round trip: %v, %v", a, b)
		}
	})
}
