package e2e

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies testdata/<dir> into a fresh temp dir and returns it.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", dir)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestArchiveRunsAnywhere archives a script with nested local modules and
// open()ed JSON files, deletes the sources, runs the archive from an empty
// directory and expects what running the script gave.
func TestArchiveRunsAnywhere(t *testing.T) {
	t.Parallel()
	srcDir := copyTree(t, "archive")
	script := filepath.Join(srcDir, "main.js")

	direct := stampede(t, runOpts{}, "run", "-q", "-e", "GREETING=hello", "--summary-export={export}", script)
	direct.wantCode(t, 0)

	tarDir := t.TempDir()
	tarPath := filepath.Join(tarDir, "test.tar")
	// The system environment (SECRET) must not end up in the archive.
	r := stampede(t, runOpts{env: map[string]string{"SECRET": "s3cret"}},
		"archive", "-e", "GREETING=hello", "-O", tarPath, script)
	r.wantCode(t, 0)
	data, err := os.ReadFile(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret") {
		t.Error("the archive holds a system environment variable")
	}
	if err := os.RemoveAll(srcDir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(tarDir); len(entries) != 1 {
		t.Fatalf("the archive's directory holds %d entries", len(entries))
	}

	arc := stampede(t, runOpts{}, "run", "-q", "--summary-export={export}", tarPath)
	arc.wantCode(t, 0)
	arc.wantOut(t, "script: "+tarPath, "✓ module chain", "✓ config via open", "✓ greeting from -e")
	if got, want := arc.checks(t), direct.checks(t); !maps.Equal(got, want) {
		t.Errorf("checks from the archive %v, from the script %v", got, want)
	}
	for _, m := range []string{"iterations", "checks"} {
		key := "count"
		if m == "checks" {
			key = "passes"
		}
		if got, want := arc.export.metric(t, m, key), direct.export.metric(t, m, key); got != want || got == 0 {
			t.Errorf("%s %s: archive %v, script %v", m, key, got, want)
		}
	}
	if got := arc.export.metric(t, "iterations", "count"); got != 6 {
		t.Errorf("iterations = %v, want the archived 6", got)
	}

	// Flags and -e still override what the archive holds.
	over := stampede(t, runOpts{}, "run", "-q", "--iterations", "2", "-e", "GREETING=bye", "--summary-export={export}", tarPath)
	over.wantCode(t, 99) // the checks threshold fails
	if got := over.export.metric(t, "iterations", "count"); got != 2 {
		t.Errorf("iterations with --iterations 2 = %v", got)
	}
	if c := over.checks(t)["::greeting from -e"]; c.Fails != 2 || c.Passes != 0 {
		t.Errorf("greeting check with -e GREETING=bye: %+v", c)
	}

	ins := stampede(t, runOpts{}, "inspect", tarPath)
	ins.wantCode(t, 0)
	ins.wantOut(t, `"iterations": 6`, `"vus": 2`, `"rate==1"`)

	// -t js forces JavaScript: a tar is no script.
	js := stampede(t, runOpts{}, "run", "-q", "-t", "js", tarPath)
	if js.code == 0 {
		t.Error("-t js ran a tar as JavaScript")
	}
}

func TestArchiveCorrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar")
	stampede(t, runOpts{}, "archive", "-O", good, "modules.js").wantCode(t, 0)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.tar")
	if err := os.WriteFile(cut, data[:1536], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"run", cut},
		{"inspect", cut},
		{"run", "-t", "archive", "basic.js"},
	} {
		r := stampede(t, runOpts{}, args...)
		if r.code == 0 {
			t.Errorf("%v: exit code 0", args)
		}
		r.wantErr(t, "not a stampede archive: ")
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%v: the error is %d lines:\n%s", args, n+1, r.stderr)
		}
		if strings.Contains(r.stdout, "execution: local") {
			t.Errorf("%v: a broken archive started a test:\n%s", args, r.stdout)
		}
	}
}
