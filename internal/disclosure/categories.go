package disclosure

import (
	"sort"
	"strings"
)

// DefaultCategories is the 主题分类 tree gongkai seeds: a general classification of government information (after
// the State Council's 公文主题词 headings) and, under 卫生健康, the items of the health sector's standard catalogue
// for grassroots disclosure (卫生健康领域基层政务公开标准目录). The first-level 公共卫生服务事项 and its services are
// verified from a county's published catalogue; the other health headings follow common practice and are data that
// agencies can change (disclosure-rules §6.3).
var DefaultCategories = []Category{
	{Code: "general", Name: "综合政务", Order: 10},
	{Code: "general.organisation", Name: "机构职能", Parent: "general", Order: 11},
	{Code: "general.leaders", Name: "领导信息", Parent: "general", Order: 12},
	{Code: "general.policy", Name: "政策文件", Parent: "general", Order: 13},
	{Code: "general.plans", Name: "规划计划", Parent: "general", Order: 14},
	{Code: "general.reports", Name: "工作报告与总结", Parent: "general", Order: 15},
	{Code: "economy", Name: "国民经济管理", Order: 20},
	{Code: "economy.statistics", Name: "统计信息", Parent: "economy", Order: 21},
	{Code: "finance", Name: "财政", Order: 30},
	{Code: "finance.budget", Name: "财政预决算", Parent: "finance", Order: 31},
	{Code: "finance.fees", Name: "行政事业性收费", Parent: "finance", Order: 32},
	{Code: "finance.procurement", Name: "政府采购", Parent: "finance", Order: 33},
	{Code: "enforcement", Name: "行政执法", Order: 40},
	{Code: "enforcement.licensing", Name: "行政许可", Parent: "enforcement", Order: 41},
	{Code: "enforcement.penalty", Name: "行政处罚", Parent: "enforcement", Order: 42},
	{Code: "enforcement.coercion", Name: "行政强制", Parent: "enforcement", Order: 43},
	{Code: "enforcement.inspection", Name: "监督检查（双随机抽查）", Parent: "enforcement", Order: 44},
	{Code: "personnel", Name: "人事信息", Order: 50},
	{Code: "personnel.recruitment", Name: "招考录用", Parent: "personnel", Order: 51},
	{Code: "emergency", Name: "应急管理", Order: 60},
	{Code: "livelihood", Name: "民生保障", Order: 70},
	{Code: "livelihood.social_assistance", Name: "社会救助", Parent: "livelihood", Order: 71},
	{Code: "livelihood.employment", Name: "促进就业", Parent: "livelihood", Order: 72},
	{Code: "livelihood.education", Name: "教育", Parent: "livelihood", Order: 73},
	{Code: "health", Name: "卫生健康", Order: 80},
	{Code: "health.public_health", Name: "公共卫生服务", Parent: "health", Order: 81},
	{Code: "health.public_health.vaccination", Name: "预防接种", Parent: "health.public_health", Order: 811},
	{Code: "health.public_health.records", Name: "居民健康档案管理", Parent: "health.public_health", Order: 812},
	{Code: "health.public_health.education", Name: "健康教育", Parent: "health.public_health", Order: 813},
	{Code: "health.public_health.children", Name: "0—6岁儿童健康管理", Parent: "health.public_health", Order: 814},
	{Code: "health.public_health.maternal", Name: "孕产妇健康管理", Parent: "health.public_health", Order: 815},
	{Code: "health.public_health.elderly", Name: "老年人健康管理", Parent: "health.public_health", Order: 816},
	{Code: "health.public_health.chronic", Name: "慢性病患者健康管理", Parent: "health.public_health", Order: 817},
	{Code: "health.public_health.mental", Name: "严重精神障碍患者管理", Parent: "health.public_health", Order: 818},
	{Code: "health.public_health.tuberculosis", Name: "肺结核患者健康管理", Parent: "health.public_health", Order: 819},
	{Code: "health.public_health.tcm", Name: "中医药健康管理", Parent: "health.public_health", Order: 820},
	{Code: "health.public_health.epidemic", Name: "传染病及突发公共卫生事件报告和处理", Parent: "health.public_health", Order: 821},
	{Code: "health.public_health.supervision", Name: "卫生监督协管", Parent: "health.public_health", Order: 822},
	{Code: "health.medical", Name: "医疗服务", Parent: "health", Order: 82},
	{Code: "health.family", Name: "计划生育服务", Parent: "health", Order: 83},
	{Code: "health.enforcement", Name: "卫生健康监督执法", Parent: "health", Order: 84},
	{Code: "health.policy", Name: "卫生健康政策法规", Parent: "health", Order: 85},
	{Code: "health.emergency", Name: "卫生应急", Parent: "health", Order: 86},
	{Code: "environment", Name: "环境保护", Order: 90},
	{Code: "construction", Name: "城乡建设", Order: 100},
	{Code: "other", Name: "其他", Order: 999},
}

// CategoryOption is one entry of a 主题分类 select: a category, its depth in the tree (0 at the top) and its name
// indented by that depth with ideographic spaces.
type CategoryOption struct {
	Code, Name, Label string
	Depth             int
}

// CategoryOptions lays the tree out for a select: each category directly after its parent (following Parent, not
// the order numbers, which only rank siblings: 预防接种's 811 would otherwise land after 城乡建设's 100), siblings by
// order and then code. A category whose parent is missing, or which sits in a cycle, is shown at the top level, so
// that none is lost.
func CategoryOptions(cats []Category) []CategoryOption {
	byCode := make(map[string]bool, len(cats))
	for _, c := range cats {
		byCode[c.Code] = true
	}
	children := map[string][]Category{}
	for _, c := range cats {
		p := c.Parent
		if !byCode[p] || p == c.Code {
			p = ""
		}
		children[p] = append(children[p], c)
	}
	for _, list := range children {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Order != list[j].Order {
				return list[i].Order < list[j].Order
			}
			return list[i].Code < list[j].Code
		})
	}
	out := make([]CategoryOption, 0, len(cats))
	seen := make(map[string]bool, len(cats))
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, c := range children[parent] {
			if seen[c.Code] {
				continue
			}
			seen[c.Code] = true
			out = append(out, CategoryOption{Code: c.Code, Name: c.Name, Depth: depth, Label: strings.Repeat("　", depth) + c.Name})
			walk(c.Code, depth+1)
		}
	}
	walk("", 0)
	// Categories in a cycle are reachable from no root: show them at the top level.
	for _, c := range cats {
		if !seen[c.Code] {
			seen[c.Code] = true
			out = append(out, CategoryOption{Code: c.Code, Name: c.Name, Label: c.Name})
			walk(c.Code, 1)
		}
	}
	return out
}
