package classroom

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBrowser runs browsertest/browser.mjs — Debian's chromium driven by
// npm's playwright-core, headless, with a fresh profile and no network —
// against this package's server: every lesson loaded, a slider moved by
// the keyboard, the numbers updating, 200 replications run, no console
// error, and screenshots at projector and phone sizes. It skips, saying
// what is missing, without node, chromium or playwright-core (`npm ci` in
// browsertest); .ci/run installs them. REDRESS_SCREENSHOTS=DIR (an
// absolute path) keeps the screenshots there, as docs/img for the docs;
// REDRESS_REQUIRE_BROWSER=1 (CI) turns a missing peer into a failure.
func TestBrowser(t *testing.T) {
	skip := t.Skip
	if os.Getenv("REDRESS_REQUIRE_BROWSER") != "" { // CI: a missing peer is a failure
		skip = t.Fatal
	}
	if raceEnabled {
		t.Skip("browser test skipped under the race detector (it runs in the plain go test pass)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("browser test skipped: node is not installed")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		skip("browser test skipped: no chromium at " + chromium + " (apt-get install chromium, or set CHROMIUM)")
	}
	if _, err := os.Stat(filepath.Join("browsertest", "node_modules", "playwright-core")); err != nil {
		skip("browser test skipped: playwright-core is not installed (npm ci in internal/classroom/browsertest)")
	}
	srv := httptest.NewServer(NewServer(DefaultLimits()))
	defer srv.Close()
	shots := os.Getenv("REDRESS_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "browser.mjs", srv.URL+"/", shots)
	cmd.Dir = "browsertest"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
