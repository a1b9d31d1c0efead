package service

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"jingzhun/internal/apperr"
)

const campaignJSON = `{"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}`

func TestEvaluationsErrors(t *testing.T) {
	var e Evaluations
	ctx := context.Background()

	out, err := e.Evaluate(ctx, []byte(`{"campaign": `+campaignJSON+`, "households": [{"code": "x"}]}`), 10)
	if err != nil || !json.Valid(out) || !strings.Contains(string(out), `"invalid":1`) {
		t.Fatalf("answer: %v %s", err, out)
	}
	if _, err := e.Evaluate(ctx, []byte(`{"households": []}`), 10); !apperr.Is(err, apperr.InvalidEnvelope) {
		t.Errorf("not an envelope: %v", err)
	}
	_, err = e.Evaluate(ctx, []byte(`{"campaign": `+campaignJSON+`, "households": [{}, {}, {}]}`), 2)
	if !apperr.Is(err, apperr.PayloadTooLarge) || !strings.Contains(apperr.As(err).Message, "2 户") {
		t.Errorf("too many: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Evaluate(cancelled, []byte(`{"campaign": `+campaignJSON+`, "households": []}`), 10); !apperr.Is(err, apperr.Internal) {
		t.Errorf("cancelled: %v", err)
	}
}
