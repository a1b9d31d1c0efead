package apidocs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/swaggo/swag"
	"github.com/swaggo/swag/gen"
)

// TestDocsAreCurrent regenerates the OpenAPI description from the handlers'
// annotations and fails when the checked-in copies differ: run `make docs`.
func TestDocsAreCurrent(t *testing.T) {
	out := t.TempDir()
	err := gen.New().Build(&gen.Config{
		SearchDir:          "../api",
		MainAPIFile:        "router.go",
		OutputDir:          out,
		OutputTypes:        []string{"json", "yaml"},
		PropNamingStrategy: swag.CamelCase,
		ParseDepth:         1,
		LeftTemplateDelim:  "{{",
		RightTemplateDelim: "}}",
		Debugger:           quiet{},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"swagger.json", "swagger.yaml"} {
		fresh, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, committed := range []string{name, filepath.Join("..", "..", "..", "api-docs", name)} {
			have, err := os.ReadFile(committed)
			if err != nil {
				t.Fatalf("%s: %v (run `make docs`)", committed, err)
			}
			if !bytes.Equal(bytes.TrimSpace(have), bytes.TrimSpace(fresh)) {
				t.Errorf("%s is stale: run `make docs`", committed)
			}
		}
	}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
