package workday

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

//go:embed calendar.json
var embedded []byte

// defaultCalendar parses the embedded data once. The tests prove the data valid, so a failure here is a build
// defect, not a runtime condition.
var defaultCalendar = sync.OnceValue(func() *Calendar {
	years, err := ReadYears(embedded)
	if err != nil {
		panic("workday: embedded calendar.json: " + err.Error())
	}
	c, err := New(years...)
	if err != nil {
		panic("workday: embedded calendar.json: " + err.Error())
	}
	return c
})

// Default returns the calendar of the embedded notices (2019 to 2026). It is parsed once and immutable; add a
// newer year with With.
func Default() *Calendar { return defaultCalendar() }

// fileYear and fileHoliday are the data file format (see the package documentation): make-up workdays are written
// once, under the holiday whose line lists them, as in the notice itself.
type fileYear struct {
	Year       int           `json:"year"`
	Notice     string        `json:"notice"`
	Number     string        `json:"number,omitempty"`
	Issued     Date          `json:"issued,omitzero"`
	Amendments []string      `json:"amendments,omitempty"`
	Holidays   []fileHoliday `json:"holidays"`
}

type fileHoliday struct {
	Name     string `json:"name"`
	From     Date   `json:"from"`
	To       Date   `json:"to"`
	Workdays []Date `json:"workdays,omitempty"`
}

type file struct {
	Comment string     `json:"说明,omitempty"`
	Years   []fileYear `json:"years"`
}

// ReadYears reads yearly arrangements in the data file format of calendar.json. It does not validate them; New
// does.
func ReadYears(data []byte) ([]Year, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("节假日数据文件格式有误：%v", err)
	}
	out := make([]Year, 0, len(f.Years))
	for _, fy := range f.Years {
		y := Year{Year: fy.Year, Notice: fy.Notice, Number: fy.Number, Issued: fy.Issued, Amendments: fy.Amendments}
		for _, fh := range fy.Holidays {
			y.Holidays = append(y.Holidays, Holiday{Name: fh.Name, From: fh.From, To: fh.To, Makeup: fh.Workdays})
			y.Workdays = append(y.Workdays, fh.Workdays...)
		}
		slices.SortFunc(y.Workdays, Date.Compare)
		out = append(out, y)
	}
	return out, nil
}

// WriteYears writes yearly arrangements in the data file format, e.g. to export a year entered in the console
// into calendar.json. Make-up workdays not listed under any holiday are attributed to the nearest holiday.
func WriteYears(years []Year) ([]byte, error) {
	f := file{Years: []fileYear{}}
	for _, y := range years {
		fy := fileYear{Year: y.Year, Notice: y.Notice, Number: y.Number, Issued: y.Issued, Amendments: y.Amendments}
		fy.Holidays = make([]fileHoliday, len(y.Holidays))
		for i, h := range y.Holidays {
			fy.Holidays[i] = fileHoliday{Name: h.Name, From: h.From, To: h.To}
		}
		for _, w := range y.Workdays {
			owner := makeupOwner(y, w)
			for i := range fy.Holidays {
				if fy.Holidays[i].Name == owner {
					fy.Holidays[i].Workdays = append(fy.Holidays[i].Workdays, w)
					break
				}
			}
		}
		f.Years = append(f.Years, fy)
	}
	return json.MarshalIndent(f, "", "  ")
}
