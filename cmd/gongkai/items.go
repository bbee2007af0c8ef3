package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemBatch is how many items one transaction of the generator writes.
const itemBatch = 5000

func runItems(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	g, err := openGenerator(ctx, args, getenv, stderr, "items", "条数", "信息形成的年度", 10_000_000)
	if err != nil {
		return err
	}
	defer g.db.Close()
	started := time.Now()
	n, err := generateItems(ctx, g.db, g.agency, g.seed, g.year, g.count, g.today, func(done int) { fmt.Fprintf(stderr, "\r已生成 %d / %d 条", done, g.count) })
	fmt.Fprintf(stderr, "\n")
	if err != nil {
		return userError(err)
	}
	took := time.Since(started).Seconds()
	fmt.Fprintf(stdout, "已为%s生成 %d 条 %d 年度的主动公开信息，用时 %.1f 秒（每秒 %.0f 条）\n", g.agency.Name, n, g.year, took, float64(n)/took)
	return nil
}

// generateItems writes count generated items of the agency (catalogue.GenerateItems) with their channels, in
// transactions of itemBatch items, and reports progress after each. The next batch is generated and prepared
// (checked, tokenised for search) while the last one is written, so that both processors work.
func generateItems(ctx context.Context, db *store.DB, a *disclosure.Agency, seed uint64, year, count int, today workday.Date, progress func(done int)) (int, error) {
	actor := disclosure.Actor{Name: "示范数据生成", Role: "system"}
	type prepared struct {
		seed  uint64
		batch *store.ImportBatch
		items []*disclosure.Item
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan prepared, 1)
	go func() {
		defer close(next)
		var numbers catalogue.DocNumbers // 文号 run on from batch to batch
		for done := 0; done < count; {
			s := seed + uint64(done)
			items := catalogue.GenerateMoreItems(s, a, year, min(itemBatch, count-done), today, &numbers)
			if len(items) == 0 {
				return
			}
			b, err := db.PrepareImport(ctx, items)
			select {
			case next <- prepared{s, b, items, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			done += len(items)
		}
	}()
	done := 0
	for p := range next {
		if p.err != nil {
			return done, p.err
		}
		if err := db.ImportPrepared(ctx, actor, p.batch); err != nil {
			return done, err
		}
		if err := db.ImportItemChannels(ctx, actor, catalogue.GenerateChannels(p.seed, p.items, today)); err != nil {
			return done, err
		}
		done += len(p.items)
		if progress != nil {
			progress(done)
		}
	}
	return done, ctx.Err()
}
