package webhook_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gongkai/gongkai/internal/webhook"
)

// BenchmarkDeliverSQLite measures sending deliveries one after another (claim, sign, POST to a local receiver,
// record) on SQLite; the events are made outside the timer.
func BenchmarkDeliverSQLite(b *testing.B) {
	db := openSQLite(b, b.TempDir())
	defer db.Close()
	gov := mustAgency(b, db)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	mustSubscribe(b, db, srv.URL)
	for i := range b.N {
		mustRegister(b, db, gov, i+1)
	}
	d := &webhook.Deliverer{DB: db, Log: slog.New(slog.DiscardHandler)}
	b.ResetTimer()
	n, err := d.DeliverDue(context.Background())
	b.StopTimer()
	if err != nil || n != b.N {
		b.Fatalf("delivered %d of %d, %v", n, b.N, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
