package disclosure

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateUSCC(t *testing.T) {
	for _, ok := range []string{
		"113701243072282028", // 平阴县卫生健康局, from seed 004
		"11100000000013127D",
		"91330100799655058B", // well-known company codes, printed on their licences
		"9144030071526726XG",
		"914403001922038216",
	} {
		if err := ValidateUSCC(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for code, want := range map[string]string{
		"113701243072282027":  "校验位不正确：按前 17 位计算应为“8”",
		"11370124307228202":   "应为 18 位字母或数字，当前为 17 位",
		"1137012430722820288": "当前为 19 位",
		"11370124307228202I":  "第 18 位“I”不是有效字符",
		"11A701243072282028":  "第 3—8 位是行政区划代码，应为数字，第 3 位是“A”",
		"013701243072282028":  "第 1 位是登记管理部门代码",
		"B13701243072282028":  "第 1 位是登记管理部门代码",
		"113701243072282o28":  "第 16 位“o”不是有效字符",
		"平阴县卫生健康局":            "当前为 8 位",
		"11370124307228202８":  "全角字符", // a full-width digit: 18 characters, 20 bytes
	} {
		err := ValidateUSCC(code)
		if err == nil || !strings.Contains(err.Error(), want) || ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want %q", code, err, want)
		}
	}
}

// TestUSCCCheckCatchesEveryTypo mutates the seed's code in every way a clerk could mistype one character or swap
// two neighbours: the check character must catch each (31 is prime and no weight is 0 mod 31).
func TestUSCCCheckCatchesEveryTypo(t *testing.T) {
	const good = "113701243072282028"
	tried := 0
	for i := range 17 {
		for _, c := range usccChars {
			if byte(c) == good[i] || (i >= 2 && i < 8 && c > '9') || (i == 0 && !strings.ContainsRune(usccAuthorities, c)) {
				continue
			}
			bad := good[:i] + string(c) + good[i+1:]
			if ValidateUSCC(bad) == nil {
				t.Errorf("substitution %s passes", bad)
			}
			tried++
		}
		if good[i] != good[i+1] {
			swapped := good[:i] + string(good[i+1]) + string(good[i]) + good[i+2:]
			if ValidateUSCC(swapped) == nil {
				t.Errorf("transposition %s passes", swapped)
			}
			tried++
		}
	}
	if tried < 300 {
		t.Errorf("only %d mutations tried", tried)
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
		"设置项名称":        func(a *Agency) { a.Settings.Extra = map[string]string{"Bad Key": "x"} },
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
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil")
	}
	if err := Errorf(EUnauthorized, "API 令牌无效"); ErrorCode(err) != EUnauthorized || err.Error() != "API 令牌无效" {
		t.Errorf("%v", err)
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

func TestAgencyValidateNormalises(t *testing.T) {
	a := Agency{Kind: RegionGovernment, Name: "平阴县人民政府", USCC: " 113701243072282028 "}
	a.USCC = strings.ToLower(a.USCC)
	if err := a.Validate(); err != nil || a.USCC != "113701243072282028" || a.Settings.ReplyWorkingDays != 20 {
		t.Errorf("%v %+v", err, a)
	}
}

func TestAPITokenValidate(t *testing.T) {
	good := APIToken{Name: " 数据报送 ", Scopes: []string{"agencies:read"}}
	if err := good.Validate(); err != nil || good.Name != "数据报送" || !good.HasScope("agencies:read") || good.HasScope("audit:read") {
		t.Errorf("%v %+v", err, good)
	}
	for want, tok := range map[string]APIToken{
		"用途":   {Scopes: []string{"a"}},
		"权限范围": {Name: "x"},
		"空白":   {Name: "x", Scopes: []string{"a b"}},
	} {
		if err := tok.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
}

func TestSessionLive(t *testing.T) {
	now := time.Now()
	s := Session{Token: "t", Expiry: now.Add(time.Second)}
	if !s.Live(now) || s.Live(now.Add(time.Second)) {
		t.Error("expiry is exclusive")
	}
}

// Old entries keep their hash; any other algorithm's entry covers its algorithm name, so it cannot be relabelled.
func TestAuditDigestCoversTheAlgorithm(t *testing.T) {
	e := AuditEntry{Seq: 1, At: time.Unix(1700000000, 0).UTC(), ActorName: "张三", Role: "officer", Action: "agency.create", ObjectType: "agency", ObjectID: "1", PrevHash: GenesisHash}
	legacy := e.ComputeHash()
	e.Alg = AuditSHA256
	if e.ComputeHash() != legacy {
		t.Error("labelling an old entry sha256 changes its hash")
	}
	seen := map[string]string{legacy: AuditSHA256}
	for _, alg := range []string{AuditSM3, AuditHMACSHA256, AuditHMACSM3} {
		e.Alg = alg
		h := e.ComputeHash()
		if other, dup := seen[h]; dup {
			t.Errorf("%s and %s hash the same input alike", alg, other)
		}
		seen[h] = alg
	}
	if AuditAlgKeyed(AuditSHA256) || AuditAlgKeyed(AuditSM3) || !AuditAlgKeyed(AuditHMACSHA256) || !AuditAlgKeyed(AuditHMACSM3) {
		t.Error("keyed algorithms")
	}
}
