//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import "os"

// ttyColumns cannot ask the terminal here; termWidth falls back.
func ttyColumns(*os.File) int { return 0 }
