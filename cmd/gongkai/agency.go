package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
)

func runAgency(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "set") {
		return &exitError{code: 2, msg: "用法：gongkai agency add --name 名称 [--parent 上级编号] … | gongkai agency set --id 编号 [--index-format …] [--reply-days N] … | gongkai agency list"}
	}
	fs := newFlagSet("agency "+args[0], stderr)
	var d dbFlags
	d.register(fs, getenv)
	if args[0] == "set" {
		return agencySet(ctx, fs, &d, args[1:], stdout)
	}
	if args[0] == "list" {
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		db, err := d.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		all, err := db.ListAgencies(ctx, nil)
		if err != nil {
			return userError(err)
		}
		for _, a := range all {
			parent := "—"
			if a.ParentID != nil {
				parent = fmt.Sprint(*a.ParentID)
			}
			fmt.Fprintf(stdout, "%4d  上级 %-4s %-8s %s %s\n", a.ID, parent, disclosure.AgencyKindNames[a.Kind], a.Name, a.USCC)
		}
		return nil
	}
	var a disclosure.Agency
	var parent int64
	kind := fs.String("kind", "", "类型：region_government（人民政府）、department（政府部门，默认）、subordinate_unit（下属单位）")
	fs.StringVar(&a.Name, "name", "", "单位名称")
	fs.StringVar(&a.ShortName, "short", "", "简称")
	fs.Int64Var(&parent, "parent", 0, "上级单位编号（人民政府不填）")
	fs.StringVar(&a.USCC, "uscc", "", "统一社会信用代码")
	fs.StringVar(&a.DivisionCode, "division", "", "行政区划代码（6 位）")
	fs.StringVar(&a.Contacts.Office, "office", "", "政府信息公开工作机构")
	fs.StringVar(&a.Contacts.Address, "address", "", "办公地址")
	fs.StringVar(&a.Contacts.OfficeHours, "hours", "", "办公时间")
	fs.StringVar(&a.Contacts.Phone, "phone", "", "联系电话")
	fs.StringVar(&a.Contacts.Fax, "fax", "", "传真")
	fs.StringVar(&a.Contacts.Email, "email", "", "电子邮箱")
	fs.StringVar(&a.Contacts.Postcode, "postcode", "", "邮政编码")
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	a.Kind = disclosure.AgencyKind(*kind)
	switch {
	case a.Kind == "" && parent == 0:
		a.Kind = disclosure.RegionGovernment
	case a.Kind == "":
		a.Kind = disclosure.Department
	}
	if parent != 0 {
		a.ParentID = &parent
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateAgency(ctx, disclosure.SystemActor, &a); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已创建单位 %d：%s（%s）\n", a.ID, a.Name, strings.TrimSpace(disclosure.AgencyKindNames[a.Kind]))
	return nil
}

// agencySet changes an agency's settings; flags not given keep their values.
func agencySet(ctx context.Context, fs *flag.FlagSet, d *dbFlags, args []string, stdout io.Writer) error {
	id := fs.Int64("id", 0, "单位编号")
	format := fs.String("index-format", "", "索引号格式，如 {uscc}/{year}-{serial:05d}")
	reply := fs.Int("reply-days", 0, "答复期限（工作日，1—20）")
	ext := fs.Int("extension-days", -1, "延期上限（工作日，0—20）")
	pause := fs.String("fee-notice-pauses", "", "收费通知期间是否暂停计时：yes 或 no")
	receipt := fs.String("non-working-day-receipt", "", "非工作日收到的申请：as_received（默认，按《条例》第三十一条的收到之日，次日起算）或 next_working_day（须同时用 --receipt-policy-reason 写明本地依据）")
	receiptReason := fs.String("receipt-policy-reason", "", "按下一工作日视为收到的本地依据（文件名称和文号），写入每个期限的说明")
	delivery := fs.String("electronic-delivery", "", "电子送达的告知书何时视为收到：on_send（发送之日，默认）或 on_confirm（登记的送达之日）")
	reasonsDays := fs.Int("reasons-days", 0, "要求申请人说明理由（《条例》第三十五条）给予的期限（工作日，默认 15）")
	approval := fs.String("reply-approval", "", "答复是否须经审批领导审批：yes（默认）或 no")
	fix := fs.Int("correction-days", 0, "补正期限（工作日，1—60，默认 15）")
	numbering := fs.String("notice-number-format", "", "告知书文号格式，如 {short}依申请公开〔{year}〕{serial}号")
	review := fs.String("review-body", "", "答复中告知的行政复议机关（默认按《行政复议法》第二十四条取所属的本级人民政府；垂直管理机关填上一级主管部门）")
	court := fs.String("court", "", "答复中告知的人民法院（默认“有管辖权的人民法院”）")
	payment := fs.String("fee-payment", "", "收费通知书中的缴费方式说明")
	feeMethod := fs.String("fee-method", "", "公开指南中写明的信息处理费计收方式：per_case（按件计收）、per_page（按量计收）或 any（视申请情况选择其一，默认）")
	itemApproval := fs.String("item-approval", "", "主动公开信息保密审查后是否还须审批领导审批：yes 或 no（默认）")
	reviewMonths := fs.String("review-months", "", "各体裁发布后定期评估的周期（月），如 normative=12,plan=24；未列出的体裁用默认周期，0 为不评估，default 全部恢复默认")
	checklist := fs.String("checklist-file", "", "保密审查清单文件：每行一项（空文件恢复默认清单）")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.GetAgency(ctx, *id)
	if err != nil {
		return userError(err)
	}
	if *format != "" {
		a.Settings.IndexFormat = *format
	}
	if *reply != 0 {
		a.Settings.ReplyWorkingDays = *reply
	}
	if *ext >= 0 {
		a.Settings.ExtensionWorkingDays = *ext
	}
	switch *pause {
	case "yes":
		a.Settings.FeeNoticePausesDeadline = true
	case "no":
		a.Settings.FeeNoticePausesDeadline = false
	case "":
	default:
		return &exitError{code: 2, msg: "--fee-notice-pauses 应为 yes 或 no"}
	}
	if *receipt != "" {
		a.Settings.ReceiptOnNonWorkingDay = *receipt
	}
	if *receiptReason != "" {
		a.Settings.ReceiptPolicyReason = *receiptReason
	}
	if *delivery != "" {
		a.Settings.ElectronicDelivery = *delivery
	}
	if *reasonsDays != 0 {
		a.Settings.ReasonsWorkingDays = *reasonsDays
	}
	switch *approval {
	case "yes":
		a.Settings.SkipReplyApproval = false
	case "no":
		a.Settings.SkipReplyApproval = true
	case "":
	default:
		return &exitError{code: 2, msg: "--reply-approval 应为 yes 或 no"}
	}
	switch *itemApproval {
	case "yes":
		a.Settings.ItemApproval = true
	case "no":
		a.Settings.ItemApproval = false
	case "":
	default:
		return &exitError{code: 2, msg: "--item-approval 应为 yes 或 no"}
	}
	if *reviewMonths != "" {
		months, err := parseReviewMonths(*reviewMonths)
		if err != nil {
			return err
		}
		a.Settings.ReviewMonths = months
	}
	if *checklist != "" {
		data, err := os.ReadFile(*checklist)
		if err != nil {
			return &exitError{code: 2, msg: "无法读取保密审查清单文件：" + err.Error()}
		}
		if !utf8.Valid(data) {
			return &exitError{code: 2, msg: "保密审查清单文件应为 UTF-8 编码的文本，每行一项"}
		}
		var items []string
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				items = append(items, l)
			}
		}
		a.Settings.Checklist = items
	}
	if *fix != 0 {
		a.Settings.CorrectionWorkingDays = *fix
	}
	// The guide (web.agencyFee) reads the method an agency has fixed from Extra["fee_method"].
	switch *feeMethod {
	case "":
	case "any":
		delete(a.Settings.Extra, "fee_method")
	default:
		m, err := fee.ParseMethod(*feeMethod)
		if err != nil {
			return &exitError{code: 2, msg: "--fee-method：" + err.Error() + "；或填 any（视申请情况选择其一）"}
		}
		if a.Settings.Extra == nil {
			a.Settings.Extra = map[string]string{}
		}
		a.Settings.Extra["fee_method"] = string(m)
	}
	for _, f := range []struct {
		v   string
		dst *string
	}{{*numbering, &a.Settings.NoticeNumberFormat}, {*review, &a.Settings.ReviewBody}, {*court, &a.Settings.Court}, {*payment, &a.Settings.FeePayment}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if err := db.UpdateAgency(ctx, disclosure.SystemActor, a); err != nil {
		return userError(err)
	}
	example, _ := disclosure.FormatIndex(a.Settings.IndexFormat, a.USCC, a.DivisionCode, time.Now().Year(), 1)
	fmt.Fprintf(stdout, "已更新 %s 的设置：索引号示例 %s，答复期限 %d 个工作日，延期上限 %d 个工作日\n", a.Name, example, a.Settings.ReplyWorkingDays, a.Settings.ExtensionWorkingDays)
	publish := "保密审查通过即可发布"
	if a.Settings.ItemApproval {
		publish = "保密审查后须审批领导审批"
	}
	var periods []string
	for _, g := range disclosure.Genres {
		m, ok := a.Settings.ReviewMonths[string(g.ID)]
		if !ok {
			m = g.ReviewMonths
		}
		if m > 0 {
			periods = append(periods, fmt.Sprintf("%s %d 个月", g.Name, m))
		}
	}
	if len(periods) == 0 {
		periods = []string{"不评估"}
	}
	n := len(a.Settings.Checklist)
	if n == 0 {
		n = len(disclosure.ReviewChecklist)
	}
	fmt.Fprintf(stdout, "主动公开：%s；定期评估：%s；保密审查清单 %d 项\n", publish, strings.Join(periods, "、"), n)
	return nil
}

// parseReviewMonths reads --review-months: "default" (every genre its default period), or genre=months pairs
// separated by commas, the genre by its code (normative) or its name (行政规范性文件).
func parseReviewMonths(v string) (map[string]int, error) {
	if strings.TrimSpace(v) == "default" {
		return nil, nil
	}
	out := map[string]int{}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' }) {
		name, num, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if !ok || err != nil {
			return nil, &exitError{code: 2, msg: fmt.Sprintf("--review-months 的“%s”应写成 体裁=月数，如 normative=12", part)}
		}
		genre := ""
		for _, g := range disclosure.Genres {
			if name = strings.TrimSpace(name); string(g.ID) == name || g.Name == name {
				genre = string(g.ID)
			}
		}
		if genre == "" {
			var known []string
			for _, g := range disclosure.Genres {
				known = append(known, string(g.ID)+"（"+g.Name+"）")
			}
			return nil, &exitError{code: 2, msg: fmt.Sprintf("--review-months：没有体裁“%s”；可用的体裁：%s", name, strings.Join(known, "、"))}
		}
		out[genre] = n
	}
	return out, nil
}
