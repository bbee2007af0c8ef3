package main

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// demoDivisions are the administrative division codes (GB/T 2260) of the demo's counties, by the name the agency
// starts with; the demo county (公开示范县) uses its government's code.
var demoDivisions = map[string]string{"平阴县": "370124", "临潭县": "623021", "朝阳县": "211321", "镇海区": "330211", "积石山县": "622927"}

// demoAgencyUSCC makes a well-formed 统一社会信用代码 (GB 32100-2015) for a demo agency that has none, so that its 索引号
// start with a real-looking code as every agency's do: 11 for an organ (机关), 12 for a public institution (事业单位),
// the agency's division code, an organisation code of eight digits derived from the name with its GB 11714 check
// character, and the check character.
func demoAgencyUSCC(a *disclosure.Agency, fallbackDivision string) string {
	division := fallbackDivision
	for place, code := range demoDivisions {
		if strings.HasPrefix(a.Name, place) {
			division = code
		}
	}
	kind := "11"
	if a.Kind == disclosure.SubordinateUnit {
		kind = "12"
	}
	h := fnv.New32a()
	h.Write([]byte(a.Name))
	org := fmt.Sprintf("%08d", h.Sum32()%100_000_000)
	sum := 0
	for i, w := range []int{3, 7, 9, 10, 5, 8, 4, 2} {
		sum += int(org[i]-'0') * w
	}
	org += string("0123456789X0"[11-sum%11])
	first17 := kind + division + org
	return first17 + string(disclosure.USCCCheck(first17))
}
