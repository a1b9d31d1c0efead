package service

import (
	"io"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/apperr"
)

// colWidth sets columns from..to (1-based) to a width in characters.
type colWidth struct {
	from, to int
	width    float64
}

// writeXLSX streams one sheet to w: the header row, then every row that
// rows adds, so that an export of the whole district stays flat in memory.
// The exports of households, outcomes and the audit log all write this way.
func writeXLSX(w io.Writer, sheet string, header []any, widths []colWidth, rows func(add func(cells ...any) error) error) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	for _, c := range widths {
		_ = sw.SetColWidth(c.from, c.to, c.width)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	row := 2
	err = rows(func(cells ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	return apperr.Wrap(x.Write(w), "xlsx")
}
