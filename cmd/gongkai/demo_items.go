package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// seedDemoItems fills the demo agencies' catalogues: last year's and this year's items of each department and
// unit, the health bureau (where the demo accounts work) with more, so that the portal's catalogue, search and
// feeds have content and the console's queues — drafts, review, late and soon-late items, periodic review — have
// work in them. It returns how many items it wrote.
func seedDemoItems(ctx context.Context, db *store.DB, health *disclosure.Agency) (int, error) {
	all, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return 0, err
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	total := 0
	for _, a := range all {
		per := 220
		switch {
		case a.ID == health.ID:
			per = 700
		case a.Kind == disclosure.RegionGovernment:
			per = 150
		}
		for i, year := range []int{today.Year - 1, today.Year} {
			n, err := generateItems(ctx, db, a, uint64(a.ID*10+int64(i)), year, per, today, nil)
			if err != nil {
				return total, err
			}
			total += n
		}
	}
	return total, nil
}

// seedDemoRest runs seedDemoItems while the server starts and says when the items are there, then drafts the
// annual reports (seedDemoReports), whose section 二 counts those items.
func seedDemoRest(ctx context.Context, db *store.DB, seeded *demoSeeded, stdout io.Writer, log *slog.Logger) {
	started := time.Now()
	n, err := seedDemoItems(ctx, db, seeded.health)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("demo items", "err", err)
		}
		return
	}
	fmt.Fprintf(stdout, "已为各单位创建 %d 条主动公开示范信息（去年和今年，含草稿、审查中、逾期、已废止和已撤回的信息），用时 %.1f 秒。\n", n, time.Since(started).Seconds())
	if err := seedDemoReports(ctx, db, stdout, seeded.officer, seeded.approver); err != nil && ctx.Err() == nil {
		log.Error("demo annual reports", "err", err)
	}
}
