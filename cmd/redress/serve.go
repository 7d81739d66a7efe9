package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/redress-sim/redress/internal/classroom"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [--addr HOST:PORT] [--open]",
		"  redress serve                      # then open http://127.0.0.1:8080\n"+
			"  redress serve --addr 0.0.0.0:8080  # a classroom on the local network", stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT` (0.0.0.0:PORT for other machines on the network)")
	open := fs.Bool("open", false, "open the page in the default browser")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("serve takes no positional arguments (got %q)", strings.Join(pos, " "))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageError("--addr %s: %v", *addr, err)
	}
	srv := &http.Server{Handler: classroom.NewServer(classroom.DefaultLimits()),
		ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "redress classroom: %s (Ctrl-C stops)\n", url)
	if *open {
		openBrowser(url)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = nil
		}
		return err
	}
}

// openBrowser asks the desktop to open url; a failure is not an error.
func openBrowser(url string) {
	cmd := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		cmd = "open"
	case "windows":
		exec.Command("rundll32", "url.dll,FileProtocolHandler", url).Start()
		return
	}
	exec.Command(cmd, url).Start()
}
