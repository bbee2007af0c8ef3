// Command gongkai is the whole gongkai system in one binary: the portal and staff console (serve), the annual
// report tools, and administration. main is kept tiny; the program lives in run, which tests call directly.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // deadlines are counted in China's time zone, also on machines without zone data
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitError carries a process exit code and, optionally, a message already meant for the user.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitCode prints err (if it has something to say) and returns the process exit code for it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "gongkai:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "gongkai:", err)
	return 2
}

const usage = `gongkai — 政府信息公开工作系统

用法：
  gongkai serve [--addr 127.0.0.1:8080] [--data 目录 | --db postgres://…] [--demo]
        启动门户网站和工作台（--demo：首次启动时创建示范数据和各角色账号）
  gongkai report import [--format json|csv] [--figures] [--prev 上年报告] [-o 输出文件] 文件或目录…
        读取已发布的年度报告（TXT、HTML、DOCX、PDF），输出报告数据和检查结果
  gongkai report check [--json] [--prev 上年报告] 文件或目录…
        检查年度报告：退出码 0 无错误，1 有错误，2 有文件无法读取或不含报告
  gongkai report render --format html|md|xlsx|docx|pdf 报告.json -o 输出文件
        把报告数据（JSON）生成为网页、Markdown、Excel、Word 或 PDF
  gongkai report gather --from 网址清单.txt|网站首页 --year 2025 --out 目录 [--delay 1s] [--progress]
        从各单位网站找到并下载该年度的年度报告（遵守 robots.txt，逐个请求），读取并检查，输出 figures.csv 和 findings.csv
  gongkai report load 目录或文件… [--data 目录 | --db postgres://…] [--map 名称对照.txt]
        把已发布的年度报告（如 report gather 下载的目录）载入数据库，作为各单位的导入报告供“政务公开监督”页面统计和检查
  gongkai migrate [--data 目录 | --db postgres://…]
        创建或升级数据库结构（默认数据目录 ./gongkai-data，内置 SQLite）
  gongkai audit verify [--data 目录 | --db postgres://…] [--audit-key-file 密钥文件] [--checkpoint 检查点文件]
        校验审计记录的哈希链，并对照另存的检查点：退出码 0 完整，1 被篡改，2 无法校验（如缺少审计密钥）
  gongkai audit checkpoint [--audit-checkpoint-file 文件]   把链头（序号、哈希、时间）签名后追加到检查点文件并输出
  gongkai audit keygen --to 文件                 生成审计密钥（PostgreSQL 部署用 --audit-key-file 指定）
        各命令均可用 --audit-key-file（默认 数据目录/audit.key）和 --audit-hash sha256|sm3 设置审计密钥和哈希算法
  gongkai agency add --name 名称 [--parent 上级编号] [--uscc 统一社会信用代码] [--phone …] …
  gongkai agency set --id 编号 [--index-format {uscc}/{year}-{serial:05d}] [--reply-days 20] [--extension-days 20]
        [--fee-notice-pauses yes|no] [--non-working-day-receipt as_received|next_working_day --receipt-policy-reason 依据]
        [--electronic-delivery on_send|on_confirm] [--reasons-days 15] [--reply-approval yes|no]
        [--correction-days 15] [--notice-number-format {short}依申请公开〔{year}〕{serial}号] [--review-body …] [--court …]
        [--item-approval yes|no] [--review-months normative=24,plan=12|default] [--checklist-file 保密审查清单.txt]
  gongkai agency list
  gongkai user add --username 用户名 --name 姓名 [--role officer@单位编号 …] [--email 邮箱] [--password-stdin]
  gongkai user passwd --username 用户名 < 新密码      修改密码并解除锁定
  gongkai user totp --username 用户名 [--disable]   启用动态验证码（三类系统管理角色必须启用）
  gongkai user email --username 用户名 --email 邮箱   设置接收每日到期提醒的邮箱
  gongkai user list
  gongkai token add --username 用户名 --name 用途 --scope catalogue:read|reports:read|cases:read|… [--days 90]
        创建 JSON 接口（/api/v1，说明见 /api/v1/openapi.json）的访问令牌
  gongkai deadline --from 2026-02-10 --days 20 [--pause 2026-03-02:2026-03-06 …]
        按法定节假日和调休计算工作日期限（起算日当日不计入；暂停期间含两端，不计入）
  gongkai scenario run [--json] 情景文件或目录…
        按真实办理流程重放申请的办理经过（JSON），输出每一步的期限、费用和告知书（格式见 docs/scenarios.md）
  gongkai calendar list                         各年节假日安排（期限计算所用）
  gongkai calendar add --year 2027 --file 通知.txt   粘贴国务院办公厅节假日安排通知录入下一年，并重新计算在办申请的期限
  gongkai cases generate --agency 单位编号 --year 2026 --count 100000   生成示范申请数据（用于演示和性能测试）
  gongkai items generate --agency 单位编号 --year 2026 --count 1000000  生成主动公开示范信息（每 5000 条一个事务）
  gongkai items export [--format jsonl|csv] [--since 时间] [--bodies] [--attachments] [--out 文件]
        导出全部已公开信息的目录（开放数据，与 /api/v1/export/items 相同）
  gongkai backup --to 文件 [--data 目录]      在线备份内置数据库
  gongkai restore --from 文件 [--data 目录]   从备份恢复（须先停止服务）
  gongkai version
`

// run executes the command line args (without the program name).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "report":
		return runReport(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "agency":
		return runAgency(ctx, args[1:], getenv, stdout, stderr)
	case "token":
		return runToken(ctx, args[1:], getenv, stdout, stderr)
	case "cases":
		return runCases(ctx, args[1:], getenv, stdout, stderr)
	case "items":
		return runItems(ctx, args[1:], getenv, stdout, stderr)
	case "calendar":
		return runCalendar(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "deadline":
		return runDeadline(args[1:], stdout, stderr)
	case "scenario":
		return runScenario(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "gongkai", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, msg: fmt.Sprintf("未知命令 %q", args[0])}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"
