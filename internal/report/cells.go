package report

// Cell is one stated figure of a report's tables, named by its official labels.
type Cell struct {
	// Table is the table ID.
	Table string
	// Section is the section numeral ("二", "三", "四").
	Section string
	// Row is the official row label path ("（三）不予公开/1.属于国家秘密"); "" for section 四's single row.
	Row string
	// Column is the official column label path ("行政诉讼/复议后起诉/总计").
	Column string
	// RowID and ColumnID are the stable keys.
	RowID, ColumnID string
	// Value is the figure, in Unit.
	Value float64
	// Unit is the column's unit (万元), or "" for a count.
	Unit string
	// Printed is the figure and unit as the report prints them when its cell names another unit than the column.
	Printed *PrintedFigure
}

// Cells returns every figure the report states, in the printed order of the format's tables (table by table, row by
// row, column by column). Figures the report does not state are left out.
func (r *Report) Cells() []Cell {
	f, ok := FormatOf(r.Era)
	if !ok {
		return nil
	}
	var out []Cell
	for i := range f.Tables {
		spec := &f.Tables[i]
		g, ok := r.Tables[spec.ID]
		if !ok {
			continue
		}
		for _, row := range spec.DataRows() {
			vals, ok := g[row.ID]
			if !ok {
				continue
			}
			for _, col := range spec.Columns {
				v, ok := vals[col.ID]
				if !ok {
					continue
				}
				c := Cell{
					Table: spec.ID, Section: spec.Section, Row: spec.RowPath(row), Column: col.Path(),
					RowID: row.ID, ColumnID: col.ID, Value: v, Unit: col.Unit,
				}
				if p, ok := r.Printed[PrintedKey(spec.ID, row.ID, col.ID)]; ok {
					c.Printed = &p
				}
				out = append(out, c)
			}
		}
	}
	return out
}
