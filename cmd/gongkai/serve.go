package main

import (
	"context"
	"crypto/tls"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fastserve"
	"github.com/gongkai/gongkai/internal/jobs"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/report/importer"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/web"
	"github.com/gongkai/gongkai/internal/workday"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	started := time.Now()
	fs := newFlagSet("serve", stderr)
	var d dbFlags
	d.register(fs, getenv)
	defAddr := getenv("GONGKAI_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := fs.String("addr", defAddr, "监听地址，也可用环境变量 GONGKAI_ADDR")
	demo := fs.Bool("demo", false, "首次启动时创建示范地区、单位和各角色账号")
	secure := fs.Bool("secure-cookies", getenv("GONGKAI_SECURE_COOKIES") == "1", "Cookie 只经 HTTPS 发送（生产环境经 HTTPS 提供服务时开启）")
	site := fs.String("site", "政府信息公开", "门户名称")
	baseURL := fs.String("base-url", getenv("GONGKAI_BASE_URL"), "门户的公网地址（用于邮件中的链接），如 https://gongkai.example.gov.cn，也可用环境变量 GONGKAI_BASE_URL")
	smtpHost := fs.String("smtp-host", getenv("GONGKAI_SMTP_HOST"), "发信服务器（SMTP）地址；不设置时邮件保存在发件箱，配置后再发出。也可用 GONGKAI_SMTP_HOST")
	smtpPort := fs.Int("smtp-port", 0, "SMTP 端口（默认按加密方式：587、465 或 25）")
	smtpUser := fs.String("smtp-user", getenv("GONGKAI_SMTP_USER"), "SMTP 用户名；密码用环境变量 GONGKAI_SMTP_PASSWORD 提供")
	smtpFrom := fs.String("smtp-from", getenv("GONGKAI_SMTP_FROM"), "发件人，如 \"政府信息公开 <noreply@example.gov.cn>\"")
	smtpSecurity := fs.String("smtp-security", "starttls", "SMTP 加密方式：starttls、tls 或 none（仅限本机中继）")
	reminderHour := fs.Int("reminder-hour", 8, "每个工作日向公开专员发送到期提醒邮件的时刻（0—23 时）")
	checkpointFile := fs.String("audit-checkpoint-file", getenv("GONGKAI_AUDIT_CHECKPOINT_FILE"),
		"审计检查点文件（追加写入链头的签名记录，应另存副本）；内置数据库默认为 数据目录/"+checkpointName+"，PostgreSQL 默认只写入日志。也可用环境变量 GONGKAI_AUDIT_CHECKPOINT_FILE")
	checkpointEvery := fs.Int64("audit-checkpoint-every", 1000, "每新增多少条审计记录写一次检查点（另外每小时一次）")
	tlsCert := fs.String("tls-cert", getenv("GONGKAI_TLS_CERT"), "TLS 证书文件（PEM，可含中间证书）；与 --tls-key 一起设置时直接以 HTTPS 提供服务（无反向代理时使用），也可用 GONGKAI_TLS_CERT")
	fastPath := fs.Bool("fast-path", true, "缓存中的公开页面由 net/http 之下的快速通道直接应答（仅 HTTP，见决定 0024）；设为 false 则全部由 net/http 处理")
	tlsKey := fs.String("tls-key", getenv("GONGKAI_TLS_KEY"), "TLS 私钥文件（PEM），也可用 GONGKAI_TLS_KEY")
	var proxies []netip.Prefix
	fs.Func("trusted-proxy", "可信反向代理的地址或网段（CIDR，如 10.0.0.0/8），可重复；只有来自这些地址的请求，其 X-Forwarded-For / X-Real-IP 才被采信（用于限流和审计记录的地址）", func(v string) error {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			p, err := netip.ParsePrefix(part)
			if err != nil {
				a, aerr := netip.ParseAddr(part)
				if aerr != nil {
					return fmt.Errorf("不是地址或网段：%s", part)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			proxies = append(proxies, p.Masked())
		}
		return nil
	})
	defLogFormat := getenv("GONGKAI_LOG_FORMAT")
	if defLogFormat == "" {
		defLogFormat = "auto"
	}
	debugAddr := fs.String("debug-addr", getenv("GONGKAI_DEBUG_ADDR"), "性能分析地址（仅限本机，如 127.0.0.1:6060）：在此提供 Go 的 /debug/pprof/，供运维排查性能问题；不设置时不提供，也可用 GONGKAI_DEBUG_ADDR")
	logFormat := fs.String("log-format", defLogFormat, "日志格式：text（便于阅读）、json（便于日志系统收集）或 auto（标准错误输出是终端时 text，否则 json），也可用 GONGKAI_LOG_FORMAT")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return &exitError{code: 2, msg: "--tls-cert 和 --tls-key 须同时设置"}
	}
	useTLS := *tlsCert != ""
	if *reminderHour < 0 || *reminderHour > 23 {
		return &exitError{code: 2, msg: "--reminder-hour 应为 0—23"}
	}
	log, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	var sender mail.Sender
	if *smtpHost != "" {
		smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: *smtpHost, Port: *smtpPort, Username: *smtpUser, Password: getenv("GONGKAI_SMTP_PASSWORD"), From: *smtpFrom, Security: *smtpSecurity})
		if err != nil {
			return userError(err)
		}
		sender = smtp
	}
	db, err := d.openReading(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if *checkpointFile == "" {
		*checkpointFile = d.defaultCheckpointFile()
	}
	if err := startAudit(ctx, db, *checkpointFile, log, stderr); err != nil {
		return err
	}
	var seeded *demoSeeded
	var background sync.WaitGroup
	defer background.Wait() // before the database closes
	ctx, stopBackground := context.WithCancel(ctx)
	defer stopBackground() // before background.Wait, also when the server fails
	checkpoints := &store.AuditCheckpointer{DB: db, Path: *checkpointFile, Every: *checkpointEvery, Log: log}
	background.Go(func() { checkpoints.Run(ctx) })
	// Other processes' writes (another serve, the CLI) drop this one's cached pages within about a second.
	background.Go(func() { db.Watch(ctx) })
	if *demo {
		seeded, err = seedDemo(ctx, db, stdout)
		if err != nil {
			return userError(err)
		}
		debug.FreeOSMemory() // hand back argon2id's 64 MiB working memory of each demo password
		if seeded != nil {
			// A few thousand items take seconds: the portal serves meanwhile, and they appear as they are written;
			// the annual reports follow, drafted from them.
			background.Go(func() { seedDemoRest(ctx, db, seeded, stdout, log) })
		}
	}
	loc := shanghai()
	// Views of item pages are counted in memory and written every 10 s, and once more after the last request.
	hits := web.NewHitCounter(db, log)
	h, err := web.NewServer(db, log, web.Config{Site: *site, SecureCookies: *secure || useTLS, Location: loc, BaseURL: *baseURL, Hits: hits,
		AuditCheckpointFile: *checkpointFile, TrustedProxies: proxies, SendsMail: sender != nil})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("无法监听 %s：%v", *addr, err)}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	scheme := "http"
	if useTLS {
		// Loaded now, so that a wrong file is an error at start, not at the first connection.
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			ln.Close()
			return &exitError{code: 2, msg: fmt.Sprintf("无法读取 TLS 证书或私钥：%v", err)}
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
		scheme = "https"
	}
	// On plain HTTP, cached public pages are answered below net/http, the rest by srv (decision 0024).
	var fast *fastserve.Listener
	if a, ok := h.(fastserve.Answerer); ok && *fastPath && !useTLS {
		fast = fastserve.New(ln, srv, a)
		ln = fast
	}
	fmt.Fprintf(stdout, "gongkai 已启动：%s://%s/（数据库：%s，启动用时 %d 毫秒）\n", scheme, ln.Addr(), db.Dialect(), time.Since(started).Milliseconds())
	if *demo {
		base := *baseURL
		if base == "" {
			base = scheme + "://" + displayAddr(ln.Addr())
		}
		printDemoGuide(stdout, strings.TrimSuffix(base, "/"), seeded, &d)
	}
	if *debugAddr != "" {
		if err := serveDebug(ctx, *debugAddr, log); err != nil {
			ln.Close()
			return err
		}
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", db.Dialect(), "tls", useTLS, "trusted_proxies", len(proxies))
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	// Background jobs, each kind in its own lane: the outbox's e-mails, subscriptions, scheduled publications, the
	// daily reminders and the cleanup. They end with ctx, before the database closes.
	runner := &jobs.Runner{DB: db, Sender: sender, Log: log, Location: loc, ReminderHour: *reminderHour, BaseURL: *baseURL,
		Calendar: func(ctx context.Context) (*workday.Calendar, error) { return web.LoadCalendar(ctx, db) }}
	if sender == nil {
		log.Info("no SMTP server configured: e-mails stay in the outbox until one is (--smtp-host)")
	}
	background.Go(func() { runner.Run(ctx) })
	go hits.Run(ctx, 10*time.Second)
	// Expired sessions are removed every hour.
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				db.DeleteExpiredSessions(ctx)
			}
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	log.Info("shutting down")
	err = srv.Shutdown(shutdown)
	if fast != nil {
		if ferr := fast.Shutdown(shutdown); ferr != nil && err == nil {
			err = ferr
		}
		log.Info("fast path closed", "answered", fast.Answered())
	}
	if ferr := hits.Flush(shutdown); ferr != nil {
		log.Error("item hits not saved", "err", ferr)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// startAudit readies the audit trail for serving. Without an audit key (PostgreSQL without --audit-key-file) it
// warns loudly: anyone who can write the database can then rewrite the trail undetected but for checkpoints. It
// compares the newest checkpoint with the database before anything is appended, and says so loudly when they
// disagree (it serves on: the evidence stays in the checkpoint file and audit verify reports it). Then it appends
// the audit.config entry if the key or the hash changed.
func startAudit(ctx context.Context, db *store.DB, checkpointFile string, log *slog.Logger, stderr io.Writer) error {
	if db.AuditConfig().Key == nil {
		msg := "警告：未配置审计密钥（--audit-key-file 或 GONGKAI_AUDIT_KEY_FILE），审计记录只以不加密钥的哈希串联，能写数据库的人可以改写审计记录而不被发现"
		fmt.Fprintln(stderr, msg)
		log.Warn("audit trail is not keyed: anyone with write access to the database can rewrite it undetected; set --audit-key-file", "msg", msg)
	}
	if checkpointFile == "" {
		log.Warn("audit checkpoints go to the log only; set --audit-checkpoint-file to keep them in a file as well")
	} else if _, err := os.Stat(checkpointFile); err == nil {
		cps, err := store.ReadAuditCheckpoints(checkpointFile)
		problem := disclosure.ErrorMessage(err)
		if err == nil && len(cps) > 0 {
			if problem, err = db.CheckAuditCheckpoint(ctx, cps[len(cps)-1]); err != nil {
				return userError(err)
			}
		}
		if problem != "" {
			fmt.Fprintf(stderr, "警告：审计记录与检查点文件 %s 不符：%s。请立即运行 gongkai audit verify 并通知审计员\n", checkpointFile, problem)
			log.Error("audit trail disagrees with the newest checkpoint", "file", checkpointFile, "problem", problem)
		}
	}
	added, err := db.StartAudit(ctx)
	if err != nil {
		return userError(err)
	}
	if added != nil {
		log.Info("audit trail hash changed", "seq", added.Seq, "alg", added.Alg, "key_id", db.AuditConfig().KeyID())
	}
	return nil
}

// demoReports are the five real published reports of shared/seeds, embedded so that the demo runs anywhere.
//
//go:embed demo/*.txt
var demoReports embed.FS

// demoSeeded is what seedDemo made that the rest of the demo builds on: the health bureau where the demo accounts
// work, and its officer and approver.
type demoSeeded struct {
	health            *disclosure.Agency
	officer, approver *disclosure.User
	// totp holds the second-factor secrets of the system roles' accounts, in the order they were made, for the
	// first-run guide.
	totp []demoTOTP
}

// demoTOTP is a demo account's second-factor secret.
type demoTOTP struct{ username, secret string }

// seedDemo creates, once, a demo region with the five agencies of the seed reports and a few more, an account for
// each role (printing the sign-in details) and the health bureau's applications. It returns nil when the demo was
// there already; the catalogue's items and then the annual reports drafted from them are seedDemoRest's work.
func seedDemo(ctx context.Context, db *store.DB, stdout io.Writer) (*demoSeeded, error) {
	existing, err := db.ListAgencies(ctx, nil)
	if err != nil || len(existing) > 0 {
		return nil, err
	}
	actor := disclosure.SystemActor
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "公开示范县人民政府", ShortName: "示范县政府", DivisionCode: "370124",
		Contacts: disclosure.Contacts{Office: "县政府办公室（县政务公开办）", Address: "示范县府前街1号", OfficeHours: "工作日 9:00—12:00，13:30—17:00", Phone: "0531-87880000", Postcode: "250400"}}
	gov.USCC = demoAgencyUSCC(gov, gov.DivisionCode)
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		return nil, err
	}
	var health *disclosure.Agency
	for _, a := range []*disclosure.Agency{
		{Name: "平阴县卫生健康局", USCC: "113701243072282028", Contacts: disclosure.Contacts{Office: "局办公室", Address: "平阴县榆山街道府前街31号", Phone: "0531-87883760", Email: "pyxwjj@jn.shandong.cn", OfficeHours: "工作日 9:00—12:00，13:30—17:00", Postcode: "250400"}},
		{Name: "临潭县卫生健康局"}, {Name: "朝阳县卫生健康局"}, {Name: "镇海区卫生计生局"}, {Name: "积石山县卫生健康局"},
		{Name: "公开示范县民政局"}, {Name: "公开示范县教育和体育局"},
	} {
		a.Kind, a.ParentID = disclosure.Department, &gov.ID
		if a.USCC == "" {
			a.USCC = demoAgencyUSCC(a, gov.DivisionCode)
		}
		if err := db.CreateAgency(ctx, actor, a); err != nil {
			return nil, err
		}
		if health == nil {
			health = a
		}
	}
	hospital := &disclosure.Agency{Kind: disclosure.SubordinateUnit, ParentID: &health.ID, Name: "平阴县人民医院"}
	hospital.USCC = demoAgencyUSCC(hospital, gov.DivisionCode)
	if err := db.CreateAgency(ctx, actor, hospital); err != nil {
		return nil, err
	}
	// The seed reports become the agencies' historical annual reports.
	byName := map[string]int64{}
	all, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		byName[a.Name] = a.ID
	}
	seeds, _ := fs.Glob(demoReports, "demo/*.txt")
	for _, name := range seeds {
		text, _ := demoReports.ReadFile(name)
		res, err := importer.Parse(path.Base(name), string(text))
		if err != nil {
			return nil, err
		}
		id, ok := byName[res.Report.Agency]
		if !ok || res.Report.Year == 0 {
			continue
		}
		data, err := json.Marshal(res.Report)
		if err != nil {
			return nil, err
		}
		if err := db.SaveAnnualReport(ctx, actor, &disclosure.AnnualReport{AgencyID: id, Year: res.Report.Year, Era: string(res.Report.Era), Source: path.Base(name), Data: data}); err != nil {
			return nil, err
		}
	}
	fmt.Fprintln(stdout, "已创建示范数据（含五份真实的年度报告）。各角色账号（密码只显示这一次）：")
	made := map[string]*disclosure.User{}
	var totps []demoTOTP
	for _, acc := range []struct {
		user, name string
		grant      disclosure.Grant
	}{
		{"officer", "公开专员", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID}},
		{"reviewer", "保密审查员", disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID}},
		{"approver", "审批领导", disclosure.Grant{Role: disclosure.Approver, AgencyID: &health.ID}},
		{"agencyadmin", "单位管理员", disclosure.Grant{Role: disclosure.AgencyAdmin, AgencyID: &health.ID}},
		{"supervisor", "县政务公开办", disclosure.Grant{Role: disclosure.Supervisor, AgencyID: &gov.ID}},
		{"sysadmin", "系统管理员", disclosure.Grant{Role: disclosure.SysAdmin}},
		{"secadmin", "安全管理员", disclosure.Grant{Role: disclosure.SecAdmin}},
		{"auditor", "审计管理员", disclosure.Grant{Role: disclosure.Auditor}},
	} {
		pw := generatePassword()
		hash, err := auth.HashPassword(pw, auth.DefaultParams)
		if err != nil {
			return nil, err
		}
		u := &disclosure.User{Username: acc.user, DisplayName: acc.name, PasswordHash: hash, MustChangePassword: true, Grants: []disclosure.Grant{acc.grant}}
		if err := db.CreateUser(ctx, actor, u); err != nil {
			return nil, err
		}
		made[acc.user] = u
		totp := ""
		if acc.grant.Role.IsSystem() {
			secret, err := auth.NewTOTPSecret()
			if err != nil {
				return nil, err
			}
			if err := db.SetTOTP(ctx, actor, u.ID, secret); err != nil {
				return nil, err
			}
			totp = "  动态验证码密钥 " + secret
			totps = append(totps, demoTOTP{acc.user, secret})
		}
		fmt.Fprintf(stdout, "  %-12s %-10s 密码 %s%s\n", acc.user, disclosure.RoleNames[acc.grant.Role], pw, totp)
	}
	n, err := seedDemoCases(ctx, db, health, made["officer"], made["approver"])
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "已为%s创建 %d 件依申请公开示范案件（覆盖各办理环节，跨2025、2026年春节和国庆假期），另有一件行政复议。\n", health.Name, n)
	if err := seedDemoSite(ctx, db, health, made["officer"], made["reviewer"]); err != nil {
		return nil, err
	}
	return &demoSeeded{health: health, officer: made["officer"], approver: made["approver"], totp: totps}, nil
}

// serveDebug serves Go's profiler (/debug/pprof/) on addr, which must be a loopback address: profiles show what the
// process does and may hold data, so they are for an operator on the machine (or through an SSH tunnel), never the
// network. It stops with ctx.
func serveDebug(ctx context.Context, addr string, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	if err != nil || ip == nil || !ip.IsLoopback() {
		return &exitError{code: 2, msg: fmt.Sprintf("--debug-addr 须为本机回环地址（如 127.0.0.1:6060），不能是 %q", addr)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("无法监听 %s：%v", addr, err)}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	log.Info("profiler", "addr", ln.Addr().String())
	return nil
}
