#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 node --max-semi-space-size=2 --heap-growing-percent=50
// Entry point of the `tradeloop` command: runs the bundled CLI (built by `npm install`, see scripts/bundle.mjs).
// --max-semi-space-size=2 caps V8's young generation at 2 MiB semi-spaces (the default
// grows to 16). --heap-growing-percent=50 lets the old generation grow to 1.5x what
// survived the last full GC before the next one (V8 picks up to 4x under a high
// allocation rate: the copy engine at full rate held ~130 MiB of heap for ~45 live).
// Both keep the service's RSS under 100 MB with no measurable loss of throughput
// (README, "Memory"). GLIBC_TUNABLES fixes glibc's mmap threshold at 128 KiB: by
// default it rises to the size of each large block freed (up to 32 MiB), and the
// typed arrays of later jobs then land in the job threads' malloc arenas, which
// keep them after the threads end (77 MiB after six rounds of the largest Monte
// Carlo jobs, 11 with the fixed threshold). `npm start` passes the same
// environment and flags (a test checks it).
import '../dist/bundle/main.js';
