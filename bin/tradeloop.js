#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `tradeloop` command: runs the bundled CLI (built by `npm install`, see scripts/bundle.mjs).
// --max-semi-space-size=2 caps V8's young generation at 2 MiB semi-spaces (the default
// grows to 16): it keeps the service's RSS under 100 MB with no measurable loss of
// throughput (README, "Benchmarks"). `npm start` passes the same flag.
import '../dist/bundle/main.js';
