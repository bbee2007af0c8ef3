// Package testtool holds helpers shared by tests: finding external tools that some tests need.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of an external program a test needs. When it is missing the test is skipped with a
// message saying what to install — or fails, when GONGKAI_REQUIRE_TOOLS is set (CI sets it, so CI never passes by
// skipping).
func Require(tb testing.TB, name, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " 未安装：apt-get install " + pkg
	if os.Getenv("GONGKAI_REQUIRE_TOOLS") != "" {
		tb.Fatal(msg + "（GONGKAI_REQUIRE_TOOLS 已设置，不能跳过）")
	}
	tb.Skip(msg)
	return ""
}
