package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/gongkai/gongkai/internal/auth"
)

// newLogger makes serve's logger: "text" writes a line a person reads (time, level, message, key=value), "json" one
// JSON object a line for a log collector, and "auto" text when stderr is a terminal and JSON otherwise (a service
// manager or a pipe).
func newLogger(format string, stderr io.Writer) (*slog.Logger, error) {
	switch format {
	case "auto":
		format = "json"
		if isTerminal(stderr) {
			format = "text"
		}
	case "text", "json":
	default:
		return nil, &exitError{code: 2, msg: fmt.Sprintf("--log-format 应为 text、json 或 auto，不能是 %q", format)}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(stderr, nil)), nil
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
			return slog.String(slog.TimeKey, a.Value.Time().Format(time.DateTime))
		}
		return a
	}})), nil
}

// displayAddr is the listening address as a newcomer can open it: a wildcard address (":8080", "0.0.0.0:8080")
// becomes 127.0.0.1.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// printDemoGuide tells a newcomer what to do with the demo: where the portal and the console are, that the first
// sign-in asks for a new password, and how to add the system roles' second factor to an authenticator app (the
// otpauth:// URI and its QR code, drawn with half blocks). On later runs (seeded is nil) the passwords are not shown
// again, so it says how to set a new one.
func printDemoGuide(out io.Writer, base string, seeded *demoSeeded, d *dbFlags) {
	// One write, so that the demo's background progress lines do not cut into it.
	var w strings.Builder
	defer func() { io.WriteString(out, w.String()) }()
	fmt.Fprintf(&w, "\n门户网站：%s/\n工作台：  %s/console/\n\n", base, base)
	if seeded == nil {
		fmt.Fprintf(&w, "示范数据已存在，示范账号的密码只在首次启动时显示。忘记密码时，可另开一个终端运行下面的命令，再输入新密码并回车"+
			"（至少 %d 个字符，含大写字母、小写字母、数字、符号中的至少三类）：\n  gongkai user passwd --username officer %s\n"+
			"把 officer 换成要重置的账号（reviewer、approver、agencyadmin、supervisor、sysadmin、secadmin、auditor）。重置同时解除登录锁定。\n",
			auth.MinPasswordLength, d.cliFlags())
		return
	}
	fmt.Fprintf(&w, "首次使用：\n"+
		"  1. 打开工作台 %s/console/ ，用上面的用户名和密码登录（如公开专员 officer）。\n"+
		"  2. 首次登录须设置新密码（至少 %d 个字符，含大写字母、小写字母、数字、符号中的至少三类），上面的初始密码随即失效。\n"+
		"  3. 系统管理员、安全管理员、审计管理员（sysadmin、secadmin、auditor）登录时还须输入动态验证码："+
		"在手机的验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）中扫描该账号的二维码，"+
		"或添加下面的 otpauth:// 链接，或手动输入密钥（基于时间，6 位，30 秒）。\n", base, auth.MinPasswordLength)
	for _, t := range seeded.totp {
		uri := auth.TOTPURI(t.secret, "gongkai", t.username)
		fmt.Fprintf(&w, "\n%s 的动态验证码：\n  %s\n", t.username, uri)
		if q, err := qrcode.New(uri, qrcode.Low); err == nil {
			fmt.Fprint(&w, q.ToSmallString(false))
		}
	}
	fmt.Fprintf(&w, "\n以后启动时不再显示密码；忘记密码时运行 gongkai user passwd --username 用户名 %s 设置新密码。\n\n", d.cliFlags())
}

// cliFlags are the command-line flags that make another gongkai command use the same database: the data folder,
// or for PostgreSQL a reminder to pass the same connection string (which may hold a password, so it is not printed).
func (d *dbFlags) cliFlags() string {
	if d.db != "" {
		return "--db <与本次启动相同的连接串>"
	}
	return "--data " + shellQuote(d.data)
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
