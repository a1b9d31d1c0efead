package store

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsBusy(t *testing.T) {
	busy := []error{
		errors.New("database is locked (5) (SQLITE_BUSY)"),
		fmt.Errorf("refresh: %w", errors.New("database is locked")),
	}
	for _, e := range busy {
		if !isBusy(e) {
			t.Errorf("%v not seen as busy", e)
		}
	}
	for _, e := range []error{errors.New("UNIQUE constraint failed: members.active_id_key"), errors.New("record not found")} {
		if isBusy(e) {
			t.Errorf("%v seen as busy", e)
		}
	}
}
