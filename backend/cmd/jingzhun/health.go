package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// healthCommand is `jingzhun health [URL]`: GET URL (default /readyz on
// JZ_ADDR, a wildcard host read as 127.0.0.1) and exit 0 on 200, else 1.
// Container images without curl (distroless) use it as their health check.
func healthCommand(args []string, stdout, stderr io.Writer) int {
	url := ""
	switch len(args) {
	case 0:
		addr := os.Getenv("JZ_ADDR")
		if addr == "" {
			addr = "127.0.0.1:8080"
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			fmt.Fprintln(stderr, "jingzhun health: JZ_ADDR:", err)
			return 2
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		url = "http://" + net.JoinHostPort(host, port) + "/readyz"
	case 1:
		url = args[0]
	default:
		fmt.Fprintln(stderr, "usage: jingzhun health [URL]")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "jingzhun health:", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "jingzhun health:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "jingzhun health: %s answered %d\n", url, resp.StatusCode)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
