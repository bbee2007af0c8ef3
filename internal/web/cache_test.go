package web

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPageCacheKeepsTheRecentPagesWithinItsBudget(t *testing.T) {
	c := pageCache{budget: 10 * 1000}
	now := time.Now()
	for i := range 100 {
		c.put(&cachedPage{key: fmt.Sprint(i), body: []byte(strings.Repeat("x", 1000)), created: now}, 1)
		if i == 50 {
			c.get("5", 1, now) // nothing: long evicted
		}
	}
	if c.size > c.budget || c.order.Len() != 10 {
		t.Errorf("size %d of %d, %d pages", c.size, c.budget, c.order.Len())
	}
	if _, ok := c.get("99", 1, now); !ok {
		t.Error("the newest page is gone")
	}
	if _, ok := c.get("80", 1, now); ok {
		t.Error("an old page is still there")
	}
	// Reading a page keeps it: 90 read, then 10 more written, 90 survives.
	c.get("90", 1, now)
	for i := 100; i < 109; i++ {
		c.put(&cachedPage{key: fmt.Sprint(i), body: []byte(strings.Repeat("x", 1000)), created: now}, 1)
	}
	if _, ok := c.get("90", 1, now); !ok {
		t.Error("a recently read page was evicted")
	}
	if _, ok := c.get("99", 2, now); ok {
		t.Error("a page of an older data version was served")
	}
	if _, ok := c.get("99", 1, now.Add(pageCacheTTL)); ok {
		t.Error("a page older than the TTL was served")
	}
	c.put(&cachedPage{key: "new", body: []byte("y"), created: now}, 2)
	if c.order.Len() != 1 {
		t.Errorf("a new data version keeps %d old pages", c.order.Len()-1)
	}
}
