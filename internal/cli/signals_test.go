package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/procenv"
)

// signalTest runs a 30 s constant-vus script in-process with a fake
// signal channel, sending the given number of interrupts after delay.
func signalTest(t *testing.T, signals int, delay time.Duration) (code int, exitCalls []int64, stdout, stderr string, export map[string]any) {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "script.js")
	exportPath := filepath.Join(dir, "summary.json")
	src := `import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const teardowns = new Counter('teardowns');
export const options = { vus: 2, duration: '30s' };
export default function () { sleep(0.05); }
export function teardown() { teardowns.add(1); sleep(Number(__ENV.SLOW_TEARDOWN || 0)); }
`
	if err := os.WriteFile(script, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	// With two signals, a slow teardown keeps the run going until the
	// second one has surely arrived, however loaded the machine.
	var vars map[string]string
	if signals > 1 {
		vars = map[string]string{"SLOW_TEARDOWN": "3"}
	}
	env, out, errb := procenv.ForTest([]string{"run", "-q", "--address=", "--summary-export", exportPath, script}, vars)
	sigs := make(chan os.Signal, signals)
	env.Signals = func() (<-chan os.Signal, func()) { return sigs, func() {} }
	exited := make(chan int64, 4)
	env.Exit = func(c int) { exited <- int64(c) }
	time.AfterFunc(delay, func() {
		for range signals {
			sigs <- os.Interrupt
		}
	})

	start := time.Now()
	code = Main(env)
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("the run took %v after the interrupt", el)
	}
	if signals > 1 {
		// The second signal calls Exit from the signal goroutine, which
		// in a real process would not return.
		select {
		case c := <-exited:
			exitCalls = append(exitCalls, c)
		case <-time.After(10 * time.Second):
		}
	}
	for len(exited) > 0 {
		exitCalls = append(exitCalls, <-exited)
	}
	if data, err := os.ReadFile(exportPath); err == nil {
		if err := json.Unmarshal(data, &export); err != nil {
			t.Fatalf("summary export: %v", err)
		}
	}
	return code, exitCalls, out.String(), errb.String(), export
}

func TestFirstInterruptStopsTheRunGracefully(t *testing.T) {
	t.Parallel()
	code, exits, stdout, stderr, export := signalTest(t, 1, 700*time.Millisecond)
	if code != 0 {
		t.Errorf("exit code %d, want 0\nstderr:\n%s", code, stderr)
	}
	if len(exits) != 0 {
		t.Errorf("Exit called: %v", exits)
	}
	if !strings.Contains(stderr, "Stopping the test run gracefully") {
		t.Errorf("no graceful-stop message in stderr:\n%s", stderr)
	}
	if !strings.Contains(stdout, "teardowns....") {
		t.Errorf("no summary after the interrupt:\n%s", stdout)
	}
	metrics, _ := export["metrics"].(map[string]any)
	td, _ := metrics["teardowns"].(map[string]any)
	if td["count"] != 1.0 {
		t.Errorf("teardown did not run once after the interrupt: %v", td)
	}
}

func TestSecondInterruptExits105(t *testing.T) {
	t.Parallel()
	_, exits, _, stderr, _ := signalTest(t, 2, 500*time.Millisecond)
	if len(exits) != 1 || exits[0] != 105 {
		t.Errorf("Exit calls %v, want one with 105", exits)
	}
	if !strings.Contains(stderr, "Aborted by a second signal") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
