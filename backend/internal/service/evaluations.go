package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"jingzhun/internal/apperr"
	"jingzhun/internal/evaluation"
)

// Evaluations is the stateless rules engine behind POST /api/v1/evaluations:
// the same evaluation.Run as the `jingzhun evaluate` command, so both answer
// alike; nothing is read from or written to the store.
type Evaluations struct{}

// Evaluate answers an envelope. A document that is not an envelope is
// invalid_envelope (400); more than maxHouseholds households is
// payload_too_large (413) naming the limit.
func (Evaluations) Evaluate(ctx context.Context, body []byte, maxHouseholds int) ([]byte, error) {
	var out bytes.Buffer
	// Results are about a third of the input; growing from there is cheap.
	out.Grow(len(body)/3 + 1024)
	err := evaluation.Run(ctx, bytes.NewReader(body), &out, evaluation.Options{MaxHouseholds: maxHouseholds})
	switch {
	case err == nil:
		return out.Bytes(), nil
	case errors.Is(err, evaluation.ErrNotEnvelope):
		e := apperr.New(apperr.InvalidEnvelope, err.Error())
		e.Details = []apperr.Detail{{Field: "body", Message: "应为评估信封 {\"campaign\": {...}, \"households\": [...]}"}}
		return nil, e
	case errors.Is(err, evaluation.ErrTooManyHouseholds):
		e := apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("一次最多评估 %d 户；请分批提交，或用 jingzhun evaluate 命令评估大文件", maxHouseholds))
		e.Details = []apperr.Detail{{Field: "households", Message: fmt.Sprintf("超过上限 %d 户", maxHouseholds)}}
		return nil, e
	}
	return nil, apperr.Wrap(err, "evaluate")
}
