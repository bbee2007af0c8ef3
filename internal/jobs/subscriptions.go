package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// PublicationSettle is how far behind the newest publication subscriptions are delivered: a publication is sent
// once it is this old, so that one still committing with a lower event number is never skipped (see
// store.PublicationCursor). Subscribers hear of an item about half a minute after it is published.
const PublicationSettle = 30 * time.Second

// digestFrom is the number of items from which one subscription's news goes out as one e-mail listing them
// rather than one e-mail each.
const digestFrom = 4

// NotifySubscribers sends the confirmed subscriptions the items published since their last delivery that match
// them (agency and its units, 主题分类 and those below it, keyword through the search engine): one e-mail per item
// with its title, summary and link, or one e-mail listing them when a subscription has several at once. Every
// e-mail carries the subscription's unsubscribe link in its text and in List-Unsubscribe with
// List-Unsubscribe-Post (RFC 8058 one-click). It is safe with several processes: subscriptions are claimed with
// SKIP LOCKED and each one's e-mails are queued in the transaction that moves its cursor. It returns how many
// e-mails it queued. Without BaseURL it does nothing, because the links need the portal's address; subscriptions
// then wait, nothing is lost.
func (r *Runner) NotifySubscribers(ctx context.Context) (int, error) {
	if r.BaseURL == "" {
		r.warnNoBase.Do(func() {
			r.Log.Warn("subscriptions are not delivered: the portal's address is not configured (--base-url)")
		})
		return 0, nil
	}
	upTo, err := r.DB.PublicationCursor(ctx, r.now().Add(-PublicationSettle))
	// Nothing was published since this process last delivered (a confirmation starts at the newest publication,
	// so it adds no work): no transaction at all.
	if err != nil || upTo == 0 || upTo == r.delivered.Load() {
		return 0, err
	}
	base := strings.TrimRight(r.BaseURL, "/")
	n, err := r.DB.DeliverSubscriptions(ctx, upTo, 100, func(s *store.Subscription, items []disclosure.Item, more bool) []disclosure.Mail {
		return SubscriptionMails(s, items, more, base)
	})
	if err == nil {
		r.delivered.Store(upTo)
	}
	return n, err
}

// SubscriptionMails writes a subscription's e-mails about newly published items: one per item, or one listing
// them all from digestFrom items (more says that there were more than the list holds).
func SubscriptionMails(s *store.Subscription, items []disclosure.Item, more bool, base string) []disclosure.Mail {
	unsubscribe := base + "/unsubscribe/" + s.Token
	headers := map[string]string{"List-Unsubscribe": "<" + unsubscribe + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	footer := "\n\n——\n您收到本邮件，是因为您在政府信息公开网站订阅了" + subscriptionTopic(s) + "的信息更新。\n退订（无需登录，点击即可）：" + unsubscribe + "\n"
	if len(items) >= digestFrom {
		var b strings.Builder
		fmt.Fprintf(&b, "您订阅的政府信息有 %d 条新发布%s：\n", len(items), map[bool]string{true: "（仅列出前若干条）", false: ""}[more])
		for i, it := range items {
			fmt.Fprintf(&b, "\n%d. %s\n   %s · %s\n   %s/items/%d\n", i+1, it.Title, it.Publisher, it.PublishedOn.Chinese(), base, it.ID)
		}
		if more {
			fmt.Fprintf(&b, "\n更多信息请访问政府信息公开目录：%s/catalogue\n", base)
		}
		b.WriteString(footer)
		return []disclosure.Mail{{To: s.Email, Subject: fmt.Sprintf("【政府信息公开】%d 条新发布的信息", len(items)), Text: b.String(), Headers: headers}}
	}
	out := make([]disclosure.Mail, 0, len(items))
	for _, it := range items {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\n发布机构：%s\n发布日期：%s\n", it.Title, it.Publisher, it.PublishedOn.Chinese())
		if it.DocNumber != "" {
			fmt.Fprintf(&b, "文号：%s\n", it.DocNumber)
		}
		if it.IndexNumber != "" {
			fmt.Fprintf(&b, "索引号：%s\n", it.IndexNumber)
		}
		if sum := strings.TrimSpace(it.Summary); sum != "" {
			fmt.Fprintf(&b, "\n内容概述：%s\n", sum)
		}
		fmt.Fprintf(&b, "\n查看全文：%s/items/%d", base, it.ID)
		b.WriteString(footer)
		out = append(out, disclosure.Mail{To: s.Email, Subject: clipSubject("【政府信息公开】" + it.Title), Text: b.String(), Headers: headers})
	}
	return out
}

// subscriptionTopic names what a subscription follows, for the line that says why the e-mail came.
func subscriptionTopic(s *store.Subscription) string {
	var parts []string
	if s.AgencyID != nil {
		parts = append(parts, "所选单位")
	}
	if s.Category != "" {
		parts = append(parts, "所选主题分类")
	}
	if s.Keyword != "" {
		parts = append(parts, "关键词“"+s.Keyword+"”")
	}
	return strings.Join(parts, "、")
}

// clipSubject keeps a subject within the mail package's limit.
func clipSubject(s string) string {
	if r := []rune(s); len(r) > 190 {
		return string(r[:190]) + "……"
	}
	return s
}
