package scenario

import (
	"context"
	"slices"
	"strconv"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// memTx is the database as a scenario sees it: the agency, the applicant's applications earlier this month, the
// published report years, and the numbering of notices. It implements disclosure.CaseTx like the store's
// transaction does.
type memTx struct {
	agency    *disclosure.Agency
	other     *disclosure.Agency
	prior     int
	published []int
	serials   map[string]int
}

func (m *memTx) NextSerial(_ context.Context, agencyID int64, series string, year int) (int, error) {
	key := series + "/" + strconv.Itoa(year)
	m.serials[key]++
	return m.serials[key], nil
}

func (m *memTx) ReportPublished(_ context.Context, _ int64, year int) (bool, error) {
	return slices.Contains(m.published, year), nil
}

func (m *memTx) Agency(_ context.Context, id int64) (*disclosure.Agency, error) {
	switch {
	case id == m.agency.ID:
		return m.agency, nil
	case m.other != nil && id == m.other.ID:
		return m.other, nil
	}
	return nil, disclosure.Errorf(disclosure.ENotFound, "机关不存在")
}

// ApplicationsInMonth is the scenario's prior_this_month: the applications (件) the applicant made to the agency
// earlier in the same calendar month.
func (m *memTx) ApplicationsInMonth(context.Context, int64, string, workday.Date, int64) (int, error) {
	return m.prior, nil
}

func (m *memTx) Template(context.Context, int64, string) (string, string, bool, error) {
	return "", "", false, nil
}
