// Package web embeds the built SPA (frontend/dist, copied here by `make
// build`), so the binary needs no files beside it.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// SPA returns the built SPA, or nil when the binary was built without it.
func SPA() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
