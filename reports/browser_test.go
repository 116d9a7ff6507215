package reports

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dualoffline/dualoffline/conformance/results"
)

// findChromium returns the path of a Chromium or Chrome binary:
// $DUALOFFLINE_CHROMIUM, else the first of the usual names on PATH.
func findChromium() (string, bool) {
	if p := os.Getenv("DUALOFFLINE_CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// browserReport is one page for the browser to open.
type browserReport struct {
	name string
	rs   *results.Results
	opts Options
}

// TestBrowser opens reports in headless Chromium from a file URL and
// checks that the page logs no console error, CSP violation or exception,
// that the matrix has a cell per target × suite × requirement, that a
// counterexample diagram renders with a size, and that the hostile report
// holds no element an implementation injected. It saves screenshots (and a
// PDF print) to $DUALOFFLINE_SCREENSHOT_DIR or the test's temporary
// directory. With $DUALOFFLINE_RESULTS naming a results JSON file, it
// opens that run's report too.
//
// It skips when no Chromium is installed (apt-get install chromium),
// except under CI=true, where it fails.
func TestBrowser(t *testing.T) {
	bin, ok := findChromium()
	if !ok {
		msg := "no chromium binary on PATH (tried chromium, chromium-browser, google-chrome, google-chrome-stable, chrome; set DUALOFFLINE_CHROMIUM or apt-get install chromium)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: starting chromium takes seconds; go test without -short (and CI) drives the report in the browser")
	}
	dir := os.Getenv("DUALOFFLINE_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []browserReport{
		{name: "sample", rs: sample(), opts: Options{Vectors: []VectorRun{{Target: "chip", Suite: "GM", File: "chip_GM_apdu_test.json",
			PerFlag:  []FlagCount{{Flag: "BadSignature", Pass: 12}, {Flag: "Truncated", Pass: 3, Mismatch: 1}},
			Failures: []VectorFailure{{TcID: "17", File: "chip_GM_apdu_test.json", Status: "mismatch", Detail: "accepted a truncated APDU", Flags: []string{"Truncated"}}}}}}},
		{name: "hostile", rs: hostileResults(), opts: hostileOptions()},
	}
	if p := os.Getenv("DUALOFFLINE_RESULTS"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := results.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, browserReport{name: "results", rs: rs})
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1400, 1000))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	start := time.Now()
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			file := filepath.Join(dir, "report-"+pg.name+".html")
			var b bytes.Buffer
			if err := WriteHTML(&b, pg.rs, pg.opts); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			openReport(t, alloc, file, pg, dir)
		})
	}
	t.Logf("browser test took %v; screenshots in %s", time.Since(start).Round(time.Millisecond), dir)
}

func openReport(t *testing.T, alloc context.Context, file string, pg browserReport, dir string) {
	tab, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// Start the browser and subscribe to the console before navigating.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("chromium does not start: %v", err)
	}
	msgCtx, stopMsgs := context.WithCancel(tab)
	messages := chromedp.Console(msgCtx)
	var (
		mu   sync.Mutex
		msgs []chromedp.ConsoleMessage
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, m)
			mu.Unlock()
		}
	}()
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	if err := chromedp.Do(tab, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#matrix"))); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}

	eval := func(expr string) int {
		t.Helper()
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return n
	}
	wantCells := len(pg.rs.Matrix())
	if n := eval(`document.querySelectorAll("table.matrix td.cell a").length`); n != wantCells {
		t.Errorf("matrix has %d cells, want %d", n, wantCells)
	}
	if n := eval(`[...document.querySelectorAll("table.matrix td.cell a")].filter(a => !document.getElementById(a.getAttribute("href").slice(1))).length`); n != 0 {
		t.Errorf("%d matrix cells link to nothing", n)
	}
	if n := eval(`document.querySelectorAll(".cell-detail svg.msc").length`); n == 0 {
		t.Error("no counterexample diagram in the cell details")
	}
	// The first diagram is laid out: it has a size and draws events.
	if n := eval(`(() => { const s = document.querySelector(".cell-detail svg.msc"); if (!s) return 0; const r = s.getBoundingClientRect(); return r.width > 100 && r.height > 100 ? s.querySelectorAll("g[class^=ev-]").length : -1 })()`); n <= 0 {
		t.Errorf("the first diagram does not render (%d)", n)
	}
	if n := eval(`document.querySelectorAll("script, iframe, img, object, embed, form, base, link, foreignObject, use, image, animate, set").length`); n != 0 {
		t.Errorf("%d injected elements in the page", n)
	}
	if n := eval(`[...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on") || a.name === "style" || a.name === "src" || /^\s*(javascript|data|vbscript):/i.test(a.value))).length`); n != 0 {
		t.Errorf("%d elements with event handlers, styles or script URLs", n)
	}
	if n := eval(`window.__xss ? 1 : 0`); n != 0 {
		t.Error("an injected script ran")
	}

	// The viewport (the matrix), and the first diagram on its own; a full-
	// page capture of a long report takes too long.
	view, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report-"+pg.name+".png")
	if err := os.WriteFile(shot, view, 0o644); err != nil {
		t.Fatal(err)
	}
	svg, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(".cell-detail svg.msc")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "diagram-"+pg.name+".png"), svg, 0o644); err != nil {
		t.Fatal(err)
	}
	if pg.name == "sample" {
		pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Error("print to PDF gave no PDF")
		}
		if err := os.WriteFile(filepath.Join(dir, "report-"+pg.name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s (%d bytes)", shot, len(view))

	// Let late messages arrive, then stop listening.
	time.Sleep(200 * time.Millisecond)
	stopMsgs()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for _, m := range msgs {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleException, chromedp.ConsoleWarning:
			t.Errorf("console %s: %s", m.Type, strings.TrimSpace(fmt.Sprint(m.Text, " ", m.Source)))
		}
	}
}
