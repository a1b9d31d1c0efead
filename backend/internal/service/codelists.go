package service

import (
	"context"

	"jingzhun/internal/apperr"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// CodeLists serves the register's code lists (致贫原因, 文化程度 …) as data.
type CodeLists struct {
	store *store.Store
}

// NewCodeLists builds the code lists service.
func NewCodeLists(st *store.Store) *CodeLists { return &CodeLists{store: st} }

// All returns every list by name, in order.
func (c *CodeLists) All(ctx context.Context) (map[string][]register.CodeItem, error) {
	items, err := c.store.CodeItems(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "code lists")
	}
	out := map[string][]register.CodeItem{}
	for _, it := range items {
		out[it.List] = append(out[it.List], register.CodeItem{Code: it.Code, LabelZh: it.LabelZh, LabelEn: it.LabelEn})
	}
	return out, nil
}

// Seed writes the built-in entries the table lacks: all of them on a first
// start, and codes added by a later release on an existing database (labels
// edited in the database stay as they are).
func (c *CodeLists) Seed(ctx context.Context) error {
	have, err := c.store.CodeItems(ctx)
	if err != nil {
		return apperr.Wrap(err, "read code lists")
	}
	known := make(map[[2]string]bool, len(have))
	for _, it := range have {
		known[[2]string{it.List, it.Code}] = true
	}
	var rows []store.CodeItem
	for list, items := range register.CodeLists {
		for i, it := range items {
			if !known[[2]string{list, it.Code}] {
				rows = append(rows, store.CodeItem{List: list, Code: it.Code, LabelZh: it.LabelZh, LabelEn: it.LabelEn, Sort: i + 1})
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return apperr.Wrap(c.store.SaveCodeItems(ctx, rows), "seed code lists")
}
