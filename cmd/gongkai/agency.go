package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

func runAgency(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		return &exitError{code: 2, msg: "用法：gongkai agency add --name 名称 [--parent 上级编号] [--kind department] … | gongkai agency list"}
	}
	fs := newFlagSet("agency "+args[0], stderr)
	var d dbFlags
	d.register(fs, getenv)
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
