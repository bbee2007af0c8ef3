package jobs

import (
	"context"

	"github.com/gongkai/gongkai/internal/webhook"
)

// DeliverWebhooks sends the webhook deliveries that are due (internal/webhook), signed, with retries and back-off,
// and returns how many were acknowledged. Several processes may run it at once: each delivery is claimed on its
// own with a lease.
func (r *Runner) DeliverWebhooks(ctx context.Context) (int, error) {
	return (&webhook.Deliverer{DB: r.DB, Log: r.Log, Now: r.Now}).DeliverDue(ctx)
}
