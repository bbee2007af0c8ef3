package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/gongkai/gongkai/internal/scenario"
)

// runScenario replays application histories written as JSON through the real casework and prints what the system
// does at each step. Exit status: 0 every file replayed as expected, 1 a step was refused (that the file did not
// expect to be) or an expectation not met, 2 a file could not be read.
func runScenario(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return &exitError{code: 2, msg: "用法：gongkai scenario run [--json] 文件或目录…（情景格式见 docs/scenarios.md）"}
	}
	fs := newFlagSet("scenario run", stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出（每个文件一个对象）")
	rest, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return &exitError{code: 2, msg: "请给出情景文件或目录，如 gongkai scenario run testdata/scenarios/"}
	}
	files, err := scenario.Files(rest)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	unreadable, refused := 0, 0
	var results []*scenario.Result
	for _, f := range files {
		res, err := scenario.RunFile(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			unreadable++
			continue
		}
		if res.Refused > 0 || len(res.Mismatches) > 0 {
			refused++
		}
		if *asJSON {
			results = append(results, res)
			continue
		}
		scenario.WriteText(stdout, res)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if len(results) == 1 && len(files) == 1 {
			if err := enc.Encode(results[0]); err != nil {
				return err
			}
		} else if err := enc.Encode(results); err != nil {
			return err
		}
	}
	switch {
	case unreadable > 0:
		return &exitError{code: 2}
	case refused > 0:
		return &exitError{code: 1}
	}
	return nil
}
