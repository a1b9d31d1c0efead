package localdate

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseAndString(t *testing.T) {
	for _, bad := range []string{"2017-02-30", "2017-6-1", "20170601", "", "2017-13-01"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	d, err := Parse("2016-02-29")
	if err != nil || d.String() != "2016-02-29" {
		t.Fatalf("leap day: %v %v", d, err)
	}
	if d.AddDays(1).String() != "2016-03-01" || !d.Before(d.AddDays(1)) || d.After(d) {
		t.Fatal("arithmetic")
	}
}

func TestTodayIsShanghai(t *testing.T) {
	// 2017-06-19 17:30 UTC is already 06-20 in Shanghai.
	now := time.Date(2017, 6, 19, 17, 30, 0, 0, time.UTC)
	if got := Today(now).String(); got != "2017-06-20" {
		t.Fatalf("Today = %s", got)
	}
}

func TestJSONAndScan(t *testing.T) {
	var v struct {
		D Date `json:"d"`
		E Date `json:"e"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2017-06-30","e":null}`), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2017-06-30","e":null}` {
		t.Fatalf("round trip: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"d":"2017-06-31"}`), &v); err == nil {
		t.Fatal("impossible date accepted")
	}
	var d Date
	for _, src := range []any{"2017-06-30", []byte("2017-06-30"), time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC), "2017-06-30 00:00:00+00:00"} {
		if err := d.Scan(src); err != nil || d.String() != "2017-06-30" {
			t.Errorf("Scan(%v) = %v %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Error("Scan(nil)")
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Error("zero date must store NULL")
	}
}
