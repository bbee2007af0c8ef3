package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
)

// roleFlag collects repeated --role values: "officer@3" (a role at agency 3) or "sysadmin".
type roleFlag []disclosure.Grant

func (r *roleFlag) String() string { return fmt.Sprint(*r) }

func (r *roleFlag) Set(v string) error {
	role, agency, hasAgency := strings.Cut(v, "@")
	g := disclosure.Grant{Role: disclosure.Role(role)}
	if hasAgency {
		id, err := strconv.ParseInt(agency, 10, 64)
		if err != nil {
			return fmt.Errorf("单位编号 %q 不是数字", agency)
		}
		g.AgencyID = &id
	}
	*r = append(*r, g)
	return nil
}

// generatePassword returns a random initial password that satisfies the policy: 16 characters from an alphabet
// without look-alikes, with an upper-case letter, a digit and a symbol guaranteed.
func generatePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 13)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b) + "A7-"
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &exitError{code: 2, msg: "用法：gongkai user add|passwd|email|totp|list [--data 目录 | --db postgres://…]"}
	}
	fs := newFlagSet("user "+args[0], stderr)
	var d dbFlags
	d.register(fs, getenv)
	switch args[0] {
	case "add":
		return userAdd(ctx, fs, &d, args[1:], stdin, stdout)
	case "passwd":
		return userPasswd(ctx, fs, &d, args[1:], stdin, stdout)
	case "email":
		return userEmail(ctx, fs, &d, args[1:], stdout)
	case "totp":
		return userTOTP(ctx, fs, &d, args[1:], stdout)
	case "list":
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		db, err := d.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		users, err := db.ListUsers(ctx)
		if err != nil {
			return userError(err)
		}
		for _, u := range users {
			var roles []string
			for _, g := range u.Grants {
				r := disclosure.RoleNames[g.Role]
				if g.AgencyID != nil {
					r += "@" + strconv.FormatInt(*g.AgencyID, 10)
				}
				roles = append(roles, r)
			}
			state := ""
			if u.TOTPEnabled {
				state += "（已启用动态验证码）"
			}
			if u.Disabled {
				state += "（已停用）"
			} else if u.MustChangePassword {
				state += "（须修改初始密码）"
			}
			fmt.Fprintf(stdout, "%-20s %s  %s%s\n", u.Username, u.DisplayName, strings.Join(roles, "、"), state)
		}
		return nil
	}
	return &exitError{code: 2, msg: fmt.Sprintf("未知的 user 子命令 %q", args[0])}
}

func readPassword(stdin io.Reader) string {
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	return strings.TrimRight(line, "\r\n")
}

func userAdd(ctx context.Context, fs *flag.FlagSet, d *dbFlags, args []string, stdin io.Reader, stdout io.Writer) error {
	username := fs.String("username", "", "用户名（小写字母、数字、点、横线）")
	name := fs.String("name", "", "姓名")
	email := fs.String("email", "", "电子邮箱（接收每日到期提醒）")
	fromStdin := fs.Bool("password-stdin", false, "从标准输入读取密码（否则生成初始密码，首次登录须修改）")
	var roles roleFlag
	fs.Var(&roles, "role", "角色，可重复：officer@单位编号、reviewer@…、approver@…、agency_admin@…、supervisor@…，或 sysadmin、secadmin、auditor")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	pw, generated := "", false
	if *fromStdin {
		pw = readPassword(stdin)
		if err := auth.CheckPasswordStrength(pw, *username); err != nil {
			return userError(err)
		}
	} else {
		pw, generated = generatePassword(), true
	}
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &disclosure.User{Username: *username, DisplayName: *name, Email: strings.TrimSpace(*email), PasswordHash: hash, MustChangePassword: generated, Grants: roles}
	if err := db.CreateUser(ctx, disclosure.SystemActor, u); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已创建账号 %s（%s）\n", u.Username, u.DisplayName)
	if generated {
		fmt.Fprintf(stdout, "初始密码：%s\n（只显示这一次；首次登录须修改）\n", pw)
	}
	return nil
}

func userPasswd(ctx context.Context, fs *flag.FlagSet, d *dbFlags, args []string, stdin io.Reader, stdout io.Writer) error {
	username := fs.String("username", "", "用户名")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	pw := readPassword(stdin)
	if err := auth.CheckPasswordStrength(pw, *username); err != nil {
		return userError(err)
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
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return err
	}
	if err := db.SetPassword(ctx, disclosure.SystemActor, u.ID, hash, false); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已修改 %s 的密码，并解除登录锁定\n", u.Username)
	return nil
}

// userTOTP enrols (or with --disable removes) an account's second factor and prints what the authenticator app needs.
func userTOTP(ctx context.Context, fs *flag.FlagSet, d *dbFlags, args []string, stdout io.Writer) error {
	username := fs.String("username", "", "用户名")
	disable := fs.Bool("disable", false, "停用该账号的动态验证码（系统管理员、安全管理员、审计管理员停用后将无法登录）")
	if _, err := parseFlags(fs, args); err != nil {
		return err
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
	if *disable {
		if err := db.SetTOTP(ctx, disclosure.SystemActor, u.ID, ""); err != nil {
			return userError(err)
		}
		fmt.Fprintf(stdout, "已停用 %s 的动态验证码\n", u.Username)
		return nil
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return err
	}
	if err := db.SetTOTP(ctx, disclosure.SystemActor, u.ID, secret); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已为 %s 启用动态验证码。请在验证器应用中添加（只显示这一次）：\n  密钥：%s\n  %s\n", u.Username, secret, auth.TOTPURI(secret, "gongkai", u.Username))
	return nil
}

// userEmail sets or clears the address that receives the daily reminder of cases due and overdue.
func userEmail(ctx context.Context, fs *flag.FlagSet, d *dbFlags, args []string, stdout io.Writer) error {
	username := fs.String("username", "", "用户名")
	email := fs.String("email", "", "电子邮箱；留空则不再发送提醒")
	if _, err := parseFlags(fs, args); err != nil {
		return err
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
	u.Email = strings.TrimSpace(*email)
	if err := db.UpdateUser(ctx, disclosure.SystemActor, u); err != nil {
		return userError(err)
	}
	if u.Email == "" {
		fmt.Fprintf(stdout, "账号 %s 不再接收到期提醒邮件\n", u.Username)
	} else {
		fmt.Fprintf(stdout, "账号 %s 的到期提醒将发送到 %s\n", u.Username, u.Email)
	}
	return nil
}
