package service

import (
	"context"

	"jingzhun/internal/apperr"
	"jingzhun/internal/departments"
	"jingzhun/internal/store"
)

// Departments serves the list of departments (附件：相关部门职责).
type Departments struct {
	store *store.Store
}

// NewDepartments builds the departments service.
func NewDepartments(st *store.Store) *Departments { return &Departments{store: st} }

// List returns every department.
func (d *Departments) List(ctx context.Context) ([]store.Department, error) {
	ds, err := d.store.Departments(ctx)
	return ds, apperr.Wrap(err, "list departments")
}

// Exists reports whether a department code is known.
func (d *Departments) Exists(ctx context.Context, code string) (bool, error) {
	ds, err := d.List(ctx)
	if err != nil {
		return false, err
	}
	for _, x := range ds {
		if x.Code == code {
			return true, nil
		}
	}
	return false, nil
}

// Seed writes the embedded list into an empty database.
func (d *Departments) Seed(ctx context.Context) error {
	list, err := departments.Load()
	if err != nil {
		return err
	}
	rows := make([]store.Department, len(list))
	for i, x := range list {
		rows[i] = store.Department{Code: x.Code, Name: x.Name, Sort: i + 1}
	}
	return apperr.Wrap(d.store.SaveDepartments(ctx, rows), "seed departments")
}
