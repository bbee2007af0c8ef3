package web

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/time/rate"

	"github.com/gongkai/gongkai/internal/opendata"
	"github.com/gongkai/gongkai/internal/store"
)

// exportSlots bounds the open-data exports one process streams at once: each reads the whole catalogue, so a
// flood of them must not take every database connection and core from the portal. Beyond it the answer is 503 with
// Retry-After. Each client address is limited as well (limiters.export).
const exportSlots = 4

// exportFlushEvery is how many items an export writes between flushes, so that a harvester sees progress.
const exportFlushEvery = 5000

type exportItemsInput struct {
	Format      string `query:"format" enum:"jsonl,csv" default:"jsonl" doc:"jsonl（每行一个 JSON 对象）或 csv（UTF-8，带 BOM，中文表头）" example:"jsonl"`
	Since       string `query:"since" doc:"只导出此后更新的信息：上次导出中最大的 updated_at（RFC 3339），或日期 2026-03-02（北京时间零时）。该时刻本身的信息会再次给出，请按 id 去重" example:"2026-03-02T08:00:00Z"`
	Agency      int64  `query:"agency" doc:"只导出该单位的信息（单位编号）" example:"2"`
	Bodies      bool   `query:"bodies" doc:"附正文（HTML 和纯文本）" example:"true"`
	Attachments bool   `query:"attachments" doc:"附附件的名称、大小和下载地址" example:"true"`
}

type catalogOutput struct {
	ContentType string `header:"Content-Type"`
	Body        map[string]any
}

// registerExportAPI registers the open-data export: public (no token), limited per client and per process.
func (s *Server) registerExportAPI(api huma.API) {
	slots := make(chan struct{}, exportSlots)
	var countsMu sync.Mutex
	huma.Register(api, huma.Operation{OperationID: "export-items", Method: http.MethodGet, Path: "/api/v1/export/items",
		Summary: "导出主动公开信息目录（开放数据）",
		Description: "无需令牌。按更新时间（再按编号）顺序给出全部已公开的信息（已撤回的也给出，state 为 withdrawn 并附撤回原因，便于同步删除），" +
			"JSON Lines 每行一条，或 CSV。增量获取：since 取上次导出中最大的 updated_at。每个地址每 3 分钟可导出一次（可连续 10 次），服务器同时导出的数量有限，超出时返回 429 或 503 并给出 Retry-After。",
		Tags: []string{"开放数据"},
		Responses: map[string]*huma.Response{"200": {Description: "信息目录", Content: map[string]*huma.MediaType{
			"application/jsonl": {Example: `{"id":4711,"agency_id":2,"agency":"平阴县卫生健康局","index_number":"11370124004257628H/2026-00012","title":"关于公布2026年预防接种门诊名单的通知","published_on":"2026-03-02","genre":"notice","genre_name":"通知公告","state":"published","updated_at":"2026-03-02T01:30:00Z","url":"https://gongkai.example.gov.cn/items/4711"}` + "\n"},
			"text/csv":          {Example: "\ufeff编号,索引号,标题,发布机构,…\n"},
		}}},
	}, func(ctx context.Context, in *exportItemsInput) (*huma.StreamResponse, error) {
		format, err := opendata.ParseFormat(in.Format)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error())
		}
		since, err := opendata.ParseSince(in.Since)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error())
		}
		release, err := s.exportGate(ctx, slots)
		if err != nil {
			return nil, err
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			defer release()
			r, rw := humago.Unwrap(hctx)
			base := s.baseURL(r)
			extendStream(rw)
			hctx.SetHeader("Content-Type", format.ContentType())
			hctx.SetHeader("Cache-Control", "no-store")
			name := "gongkai-items." + string(format)
			hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
			w := opendata.NewItemWriter(hctx.BodyWriter(), format, base, in.Bodies, in.Attachments)
			err := s.db.ExportItems(hctx.Context(), store.ExportFilter{Since: since, AgencyID: in.Agency, Bodies: in.Bodies, Attachments: in.Attachments},
				func(it *store.ExportItem) error {
					if err := w.Write(it); err != nil {
						return err
					}
					if w.Count()%exportFlushEvery == 0 {
						if err := w.Flush(); err != nil {
							return err
						}
						http.NewResponseController(rw).Flush()
						extendStream(rw)
					}
					return nil
				})
			if err == nil {
				err = w.Close()
			}
			if err != nil && hctx.Context().Err() == nil {
				// The status is sent: the client learns of the failure by the stream ending short of a complete line.
				s.log.Error("export items", "err", err, "written", w.Count())
			}
		}}, nil
	})

	huma.Register(api, huma.Operation{OperationID: "export-annual-reports", Method: http.MethodGet, Path: "/api/v1/export/annual-reports",
		Summary:     "导出各单位已发布的年度报告（开放数据）",
		Description: "无需令牌。JSON Lines，每行一份已发布的政府信息公开工作年度报告：单位、年度、发布时间和报告内容（年度报告 JSON 格式，见 docs/report-json.md）。",
		Tags:        []string{"开放数据"},
		Responses: map[string]*huma.Response{"200": {Description: "年度报告", Content: map[string]*huma.MediaType{
			"application/jsonl": {Example: `{"agency_id":2,"agency":"平阴县卫生健康局","year":2025,"published_at":"2026-01-20T02:00:00Z","report":{"era":"2021","year":2025,"agency":"平阴县卫生健康局","tables":{}}}` + "\n"},
		}}},
	}, func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
		release, err := s.exportGate(ctx, slots)
		if err != nil {
			return nil, err
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			defer release()
			hctx.SetHeader("Content-Type", opendata.JSONLines.ContentType())
			hctx.SetHeader("Cache-Control", "no-store")
			if _, err := opendata.WriteReports(hctx.BodyWriter(), func(fn func(*store.ExportReport) error) error {
				return s.db.ExportAnnualReports(hctx.Context(), fn)
			}); err != nil && hctx.Context().Err() == nil {
				s.log.Error("export reports", "err", err)
			}
		}}, nil
	})

	huma.Register(api, huma.Operation{OperationID: "export-catalog", Method: http.MethodGet, Path: "/api/v1/export/catalog",
		Summary:     "开放数据目录描述（DCAT，JSON-LD）",
		Description: "无需令牌。按 W3C DCAT 词表描述本门户提供的两个数据集（信息目录、年度报告）及其获取地址，供开放数据平台采集。",
		Tags:        []string{"开放数据"},
	}, func(ctx context.Context, _ *struct{}) (*catalogOutput, error) {
		countsMu.Lock()
		defer countsMu.Unlock()
		info, err := memoized(s, ctx, "export-catalog-counts", time.Minute, followWrites, func(ctx context.Context) (opendata.CatalogInfo, error) {
			items, modified, err := s.db.ExportCounts(ctx)
			if err != nil {
				return opendata.CatalogInfo{}, err
			}
			reports := 0
			err = s.db.ExportAnnualReports(ctx, func(*store.ExportReport) error { reports++; return nil })
			return opendata.CatalogInfo{Items: items, Modified: modified, Reports: reports}, err
		})
		if err != nil {
			return nil, s.apiError(err)
		}
		info.Site, info.Base = s.cfg.Site, s.exportBase(ctx)
		if info.Modified.IsZero() {
			info.Modified = s.now()
		}
		return &catalogOutput{ContentType: "application/ld+json", Body: opendata.Catalog(info)}, nil
	})
}

// exportGate admits an export: within the client's limit and a free slot of the process. It returns the slot's
// release, or a 429/503 problem with Retry-After.
func (s *Server) exportGate(ctx context.Context, slots chan struct{}) (func(), error) {
	addr, _ := ctx.Value(clientIPKey{}).(string)
	if _, ok := s.limits.claim(ctx, s.limits.export, limitKey(addr), s.now()); !ok {
		return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusTooManyRequests, "导出过于频繁：每个地址每 3 分钟可导出一次，请稍后再试（增量获取请用 since 参数）"),
			http.Header{"Retry-After": {strconv.Itoa(int(s.limits.export.interval().Seconds()))}})
	}
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	default:
		return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusServiceUnavailable, "服务器正在处理其他导出，请稍后再试"),
			http.Header{"Retry-After": {"30"}})
	}
}

// exportBase is the portal's address for the links of an export: the configured one, or the request's (the API's
// middleware keeps the request in the context).
func (s *Server) exportBase(ctx context.Context) string {
	if r, ok := ctx.Value(apiRequestKey{}).(*http.Request); ok {
		return s.baseURL(r)
	}
	return s.cfg.BaseURL
}

// exportLimit is the open-data export's per-client limit: 10 at once, then one every 3 minutes.
var exportLimit, exportBurst = rate.Every(3 * time.Minute), 10
