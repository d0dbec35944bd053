package daemon

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// RequireEnv names the variable that turns a missing server from a
// skipped test into a failed one; .ci/run sets it.
const RequireEnv = "STAMPEDE_REQUIRE_SERVERS"

// Missing skips t because a server is not installed, saying how to install
// it, or fails t when RequireEnv is "1".
func Missing(t testing.TB, what, how string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s (%s) and %s=1", what, how, RequireEnv)
	}
	t.Skipf("%s (%s)", what, how)
}

// Process is a server running for one test.
type Process struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	exited  chan error
	stopped bool
}

// Start runs argv in dir with an environment of only HOME=dir and PATH,
// its output going to dir/log. The process is killed when t ends, or by
// Stop.
func Start(t testing.TB, name, dir string, argv ...string) (*Process, error) {
	logPath := filepath.Join(dir, "log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &Process{name: name, logPath: logPath, cmd: cmd, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(p.Stop)
	return p, nil
}

// Stop kills the process and waits for it; later calls do nothing.
func (p *Process) Stop() {
	if p.stopped {
		return
	}
	p.stopped = true
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// WaitReady calls ready every 50 ms until it reports true. It fails, with
// the end of the server's log, when the process exits first or timeout
// passes (then the process is stopped); what describes readiness in the
// error ("answer /ping on …").
func (p *Process) WaitReady(timeout time.Duration, what string, ready func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case err := <-p.exited:
			p.stopped = true
			return fmt.Errorf("%s exited before it could %s (%v); its log:\n%s", p.name, what, err, p.Log())
		default:
		}
		if ready() {
			return nil
		}
		if time.Now().After(deadline) {
			p.Stop()
			return fmt.Errorf("%s did not %s within %s; its log:\n%s", p.name, what, timeout, p.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is the last 8 KiB of the process's output.
func (p *Process) Log() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > 8<<10 {
		b = b[len(b)-8<<10:]
	}
	return string(b)
}

// FreePort returns a loopback port that was free a moment ago on network
// ("tcp" or "udp"); a server started on it may still lose a race for it.
func FreePort(network string) (int, error) {
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
