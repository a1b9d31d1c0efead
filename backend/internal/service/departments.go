package service

import (
	"context"

	"jingzhun/internal/access"
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

// Access checks that an actor may work on a department's lists and returns
// the department: a liaison on its own only (another department is outside
// its scope: 404, as every object out of scope, and audited); the other
// roles only to read unless anyone may act (write false: 403, a rule of the
// role, audited). An unknown department is not found. The confirmations and
// the register imports both go through it.
func (d *Departments) Access(ctx context.Context, audit *AuditLog, actor access.Actor, code string, write bool) (store.Department, error) {
	deny := func(msg string, e *apperr.Error) error {
		if err := audit.Record(ctx, actor, Entry{Action: "access.denied", ObjectType: "department", ObjectID: code,
			Result: ResultDenied, Reason: msg}); err != nil {
			return apperr.Wrap(err, "audit denied access")
		}
		return e
	}
	switch {
	case actor.Role == access.Department && actor.Scope.Department != code:
		return store.Department{}, deny("只能查看和处理本部门负责的数据", apperr.NotFoundf("部门"))
	case actor.Role != access.Department && write:
		msg := "只有本部门的联络员才能确认、更正或提出异议"
		return store.Department{}, deny(msg, apperr.New(apperr.Forbidden, msg))
	}
	ds, err := d.List(ctx)
	if err != nil {
		return store.Department{}, err
	}
	for _, x := range ds {
		if x.Code == code {
			return x, nil
		}
	}
	return store.Department{}, apperr.NotFoundf("部门")
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
