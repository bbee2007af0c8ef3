package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// scopesFlag collects repeated --scope values.
type scopesFlag []string

func (s *scopesFlag) String() string { return strings.Join(*s, " ") }

func (s *scopesFlag) Set(v string) error {
	for _, known := range auth.Scopes {
		if v == known {
			*s = append(*s, v)
			return nil
		}
	}
	return fmt.Errorf("未知的权限范围 %q（可用：%s）", v, strings.Join(auth.Scopes, "、"))
}

func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return &exitError{code: 2, msg: "用法：gongkai token add --username 用户名 --name 用途 --scope agencies:read [--scope …] [--days 90]"}
	}
	fs := newFlagSet("token add", stderr)
	var d dbFlags
	d.register(fs, getenv)
	username := fs.String("username", "", "令牌所属账号")
	name := fs.String("name", "", "令牌用途，如“监督系统对接”")
	days := fs.Int("days", 90, "有效天数（0 表示不过期）")
	var scopes scopesFlag
	fs.Var(&scopes, "scope", "权限范围，可重复："+strings.Join(auth.Scopes, "、"))
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" || len(scopes) == 0 {
		return &exitError{code: 2, msg: "请用 --name 写明令牌用途，并至少指定一个 --scope"}
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.GetUserByUsername(ctx, *username)
	if err != nil {
		return userError(err)
	}
	plain, hash, err := auth.NewAPIToken()
	if err != nil {
		return err
	}
	tok := &store.APIToken{UserID: u.ID, Name: *name, Scopes: scopes}
	if *days > 0 {
		exp := time.Now().Add(time.Duration(*days) * 24 * time.Hour)
		tok.ExpiresAt = &exp
	}
	if err := db.CreateAPIToken(ctx, disclosure.SystemActor, tok, hash); err != nil {
		return userError(err)
	}
	if u.MustChangePassword {
		fmt.Fprintf(stderr, "注意：%s 尚未修改初始密码，该令牌在其登录管理后台设置新密码之后才能使用\n", u.Username)
	}
	fmt.Fprintf(stdout, "已为 %s 创建 API 令牌“%s”（%s）。令牌只显示这一次：\n%s\n", u.Username, tok.Name, strings.Join(scopes, "、"), plain)
	return nil
}
