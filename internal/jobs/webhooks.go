package jobs

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/webhook"
)

// webhooksPruned is when this process last pruned the webhooks' delivery log (Unix seconds).
var webhooksPruned atomic.Int64

// DeliverWebhooks sends the webhook deliveries that are due (internal/webhook), signed, with retries and back-off,
// and returns how many were acknowledged; once an hour it also prunes the delivery log (store.WebhookRetention).
// Several processes may run it at once: each delivery is claimed on its own with a lease.
func (r *Runner) DeliverWebhooks(ctx context.Context) (int, error) {
	n, err := (&webhook.Deliverer{DB: r.DB, Log: r.Log, Now: r.Now}).DeliverDue(ctx)
	if err != nil {
		return n, err
	}
	now := r.now().Unix()
	if last := webhooksPruned.Load(); now-last >= int64(purgeEvery/time.Second) && webhooksPruned.CompareAndSwap(last, now) {
		if pruned, err := r.DB.PruneWebhooks(ctx); err != nil {
			return n, err
		} else if pruned > 0 {
			r.Log.Info("old webhook deliveries deleted", "count", pruned)
		}
	}
	return n, nil
}
