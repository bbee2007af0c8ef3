package disclosure

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateUSCC(t *testing.T) {
	for _, ok := range []string{"113701243072282028", "11100000000013127D"} {
		if err := ValidateUSCC(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for code, want := range map[string]string{
		"113701243072282027":  "校验位不正确：应为“8”",
		"11370124307228202":   "应为 18 位",
		"11370124307228202I":  "不是有效字符",
		"11A701243072282028":  "行政区划代码",
		"1137012430722820288": "应为 18 位",
	} {
		err := ValidateUSCC(code)
		if err == nil || !strings.Contains(err.Error(), want) || ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want %q", code, err, want)
		}
	}
}

func TestAgencyValidate(t *testing.T) {
	parent := int64(1)
	good := Agency{Kind: Department, ParentID: &parent, Name: " 平阴县卫生健康局 ", USCC: "113701243072282028", DivisionCode: "370124",
		Contacts: Contacts{Email: "pyxwjj@jn.shandong.cn", Postcode: "250400"}}
	if err := good.Validate(); err != nil || good.Name != "平阴县卫生健康局" {
		t.Fatalf("%v %q", err, good.Name)
	}
	for name, mutate := range map[string]func(a *Agency){
		"请填写单位名称":      func(a *Agency) { a.Name = "  " },
		"单位类型":         func(a *Agency) { a.Kind = "bureau" },
		"不能有上级单位":      func(a *Agency) { a.Kind = RegionGovernment },
		"须指定上级单位":      func(a *Agency) { a.ParentID = nil },
		"行政区划代码应为 6 位": func(a *Agency) { a.DivisionCode = "37012" },
		"邮政编码":         func(a *Agency) { a.Contacts.Postcode = "2504" },
		"电子邮箱":         func(a *Agency) { a.Contacts.Email = "pyxwjj" },
		"校验位":          func(a *Agency) { a.USCC = "113701243072282029" },
	} {
		a := good
		mutate(&a)
		if err := a.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	e := Errorf(ENotFound, "没有编号为 %d 的单位", 7)
	wrapped := fmt.Errorf("store: get agency: %w", e)
	if ErrorCode(wrapped) != ENotFound || ErrorMessage(wrapped) != "没有编号为 7 的单位" {
		t.Errorf("%s %s", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	other := errors.New("pq: relation does not exist")
	if ErrorCode(other) != EInternal || ErrorMessage(other) != "系统内部错误" {
		t.Error("driver text must not reach users")
	}
	if ErrorCode(nil) != "" {
		t.Error("nil")
	}
}

func TestAuditHashCoversEveryField(t *testing.T) {
	id := int64(3)
	base := AuditEntry{Seq: 1, At: time.Unix(1700000000, 123000).UTC(), ActorID: &id, ActorName: "张三", Role: "officer",
		RemoteAddr: "127.0.0.1", Action: "agency.create", ObjectType: "agency", ObjectID: "1", After: []byte(`{"name":"x"}`), PrevHash: GenesisHash}
	h := base.ComputeHash()
	if len(h) != 64 || h != base.ComputeHash() {
		t.Fatal("hash not stable")
	}
	other := int64(4)
	for name, mutate := range map[string]func(e *AuditEntry){
		"seq": func(e *AuditEntry) { e.Seq = 2 }, "time": func(e *AuditEntry) { e.At = e.At.Add(time.Microsecond) },
		"actor": func(e *AuditEntry) { e.ActorID = &other }, "name": func(e *AuditEntry) { e.ActorName = "李四" },
		"role": func(e *AuditEntry) { e.Role = "reviewer" }, "addr": func(e *AuditEntry) { e.RemoteAddr = "10.0.0.1" },
		"action": func(e *AuditEntry) { e.Action = "agency.update" }, "object": func(e *AuditEntry) { e.ObjectID = "2" },
		"before": func(e *AuditEntry) { e.Before = []byte(`{}`) }, "after": func(e *AuditEntry) { e.After = []byte(`{"name":"y"}`) },
		"prev": func(e *AuditEntry) { e.PrevHash = strings.Repeat("1", 64) },
		// Moving a character between fields must change the hash too.
		"boundary": func(e *AuditEntry) { e.ActorName, e.Role = "张三o", "fficer" },
	} {
		e := base
		mutate(&e)
		if e.ComputeHash() == h {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}
