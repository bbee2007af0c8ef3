package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/opendata"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemBatch is how many items one transaction of the generator writes.
const itemBatch = 5000

func runItems(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "export" {
		return runItemsExport(ctx, args[1:], getenv, stdout, stderr)
	}
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

// runItemsExport writes the open-data export of the catalogue (the same bytes as /api/v1/export/items) to a file or
// stdout: `gongkai items export [--format jsonl|csv] [--since T] [--agency N] [--bodies] [--attachments] [--out F]`.
func runItemsExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("items export", stderr)
	var d dbFlags
	d.register(fs, getenv)
	formatName := fs.String("format", "jsonl", "格式：jsonl（每行一个 JSON 对象）或 csv")
	sinceText := fs.String("since", "", "只导出此后更新的信息：上次导出中最大的 updated_at，或日期 2026-03-02")
	agency := fs.Int64("agency", 0, "只导出该单位的信息（单位编号）")
	bodies := fs.Bool("bodies", false, "附正文")
	files := fs.Bool("attachments", false, "附附件的名称、大小和下载地址")
	base := fs.String("base-url", getenv("GONGKAI_BASE_URL"), "门户的公网地址（用于信息和附件的链接），如 https://gongkai.example.gov.cn")
	out := fs.String("out", "", "输出文件（默认标准输出）")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	format, err := opendata.ParseFormat(*formatName)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	since, err := opendata.ParseSince(*sinceText)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	db, err := d.openReading(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	w := stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("无法创建输出文件：%v", err)}
		}
		defer file.Close()
		w = file
	}
	started := time.Now()
	iw := opendata.NewItemWriter(w, format, *base, *bodies, *files)
	err = db.ExportItems(ctx, store.ExportFilter{Since: since, AgencyID: *agency, Bodies: *bodies, Attachments: *files}, iw.Write)
	if err == nil {
		err = iw.Close()
	}
	if err == nil && file != nil {
		err = file.Sync()
	}
	if err != nil {
		return userError(err)
	}
	took := time.Since(started).Seconds()
	fmt.Fprintf(stderr, "已导出 %d 条信息，用时 %.1f 秒（每秒 %.0f 条）\n", iw.Count(), took, float64(iw.Count())/max(took, 1e-9))
	return nil
}
