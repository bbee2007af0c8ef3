// Package workday is the working-day clock of Chinese government deadlines.
//
// Every period of the 2019 Regulation (国务院令第711号) is counted in working days (工作日): 7 to ask for a
// correction (Art 30), 15 for a third party (Art 32), 20 plus at most 20 to reply (Art 33). Weekends and the days
// off of the State Council's yearly notice are not working days; the Saturdays and Sundays the notice declares
// working days (调休上班日) are. The day of receipt is not counted (Civil Code Art 201), so a period of N working
// days ends on the N-th working day strictly after the start, and working days inside a pause (third-party
// consultation etc.) are not counted either.
//
// # Data
//
// The arrangements are data, never code: calendar.json is embedded and holds one entry per year, taken from
// 《国务院办公厅关于YYYY年部分节假日安排的通知》 and any later notice that changed it:
//
//	{"years": [{
//	  "year": 2026,
//	  "notice": "国务院办公厅关于2026年部分节假日安排的通知",
//	  "number": "国办发明电〔…〕…号",        // 文号, omitted when not known
//	  "issued": "2025-11-04",                  // date of the notice
//	  "amendments": ["…"],                     // later notices, already applied to the dates below
//	  "holidays": [
//	    {"name": "元旦", "from": "2026-01-01", "to": "2026-01-03", "workdays": ["2026-01-04"]},
//	    …
//	  ]}]}
//
// Each holiday gives its first and last day off, both included, and the make-up workdays listed in its line of
// the notice. Where the notice says "与周末连休", the joined weekend days are part of the period (2024 元旦 is
// 2023-12-30 to 2024-01-01), so that every day people are off is a holiday day. A 元旦 period may begin in
// December of the year before (2023 元旦: 2022-12-31 to 2023-01-02); it belongs to the notice of the year it is
// named for, and lookups by date find it either way.
//
// The years 2019 to 2026 are checked day by day against github.com/6tail/lunar-go v1.4.6 in the tests. A year
// without data counts Monday to Friday as working days, and every result that touches one carries a warning; an
// administrator adds the year with ParseNotice (pasting the notice) and Calendar.With.
package workday
