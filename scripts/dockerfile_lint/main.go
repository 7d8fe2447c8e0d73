// Lints Dockerfiles with BuildKit's own parser and rules (what `docker build --check`
// reports), since hadolint is not available from the registries these machines reach.
package main

import (
	"fmt"
	"os"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	failed := false
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		result, err := parser.Parse(f)
		f.Close()
		if err != nil {
			fmt.Printf("%s: %v\n", path, err)
			failed = true
			continue
		}
		for _, w := range result.Warnings {
			fmt.Printf("%s:%d: %s\n", path, w.Location.Start.Line, w.Short)
			failed = true
		}
		lint := linter.New(&linter.Config{Warn: func(rule, description, url, msg string, location []parser.Range) {
			line := 0
			if len(location) > 0 {
				line = location[0].Start.Line
			}
			fmt.Printf("%s:%d: %s: %s\n", path, line, rule, msg)
			failed = true
		}})
		if _, _, err := instructions.Parse(result.AST, lint); err != nil {
			fmt.Printf("%s: %v\n", path, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
