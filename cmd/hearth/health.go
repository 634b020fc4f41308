package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// health asks the Hearth configured in cfg, on this machine, whether it is
// healthy (GET /healthz at http.listen) and prints the answer: a container
// healthcheck, in an image that has no shell or curl.
func health(ctx context.Context, cfg Config, stdout io.Writer) error {
	if cfg.HTTP.Listen == "" {
		return errors.New("health: http.listen is empty, so Hearth serves no /healthz; set it")
	}
	host, port, _ := net.SplitHostPort(cfg.HTTP.Listen) // validate checked it
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every interface: loopback is one
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	answer := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s: %s", resp.Status, answer)
	}
	fmt.Fprintln(stdout, answer)
	return nil
}
