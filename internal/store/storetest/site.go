package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// runSiteSettings: the footer's particulars (《政府网站发展指引》) are stored for every process, audited, checked
// field by field, and a change advances the version that the page caches follow (issue 13, item 2).
func runSiteSettings(t *testing.T, open Opener) {
	t.Run("site settings are stored, audited, validated and announced", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		ctx := context.Background()
		if s, err := db.SiteSettings(ctx); err != nil || !s.Empty() {
			t.Fatalf("fresh site settings = %+v, %v", s, err)
		}
		want := disclosure.SiteSettings{Sponsor: "平阴县人民政府办公室", Operator: " 平阴县大数据中心 ", Contact: "0531-87880000",
			SiteCode: "3701240001", ICP: "鲁ICP备12345678号-1", PublicSecurity: "鲁公网安备 37012402000001号"}
		v := db.Version()
		if err := db.SetSiteSettings(ctx, disclosure.SystemActor, want); err != nil {
			t.Fatal(err)
		}
		if db.Version() == v {
			t.Error("saving the site settings did not advance the version: cached pages keep the old footer")
		}
		want.Operator = "平阴县大数据中心"
		if got, err := other.SiteSettings(ctx); err != nil || got != want {
			t.Errorf("read by another process = %+v, %v; want %+v", got, err, want)
		}
		entries, err := db.ListAudit(ctx, store.AuditFilter{ObjectType: "site"})
		if err != nil || len(entries) != 1 || entries[0].Action != "site.update" {
			t.Errorf("audit = %+v, %v", entries, err)
		}
		// A field left empty is removed; the others stay.
		want.Contact = ""
		if err := db.SetSiteSettings(ctx, disclosure.SystemActor, want); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.SiteSettings(ctx); got != want {
			t.Errorf("after clearing 联系方式 = %+v", got)
		}
		bad := want
		bad.ICP = "ICP 12345"
		err = db.SetSiteSettings(ctx, disclosure.SystemActor, bad)
		var fe *disclosure.SiteFieldError
		if !errors.As(err, &fe) || fe.Key != "icp" || code(err) != disclosure.EInvalid {
			t.Errorf("malformed ICP number: %v", err)
		}
		if got, _ := db.SiteSettings(ctx); got != want {
			t.Errorf("a refused change was stored: %+v", got)
		}
	})
}
