#!/usr/bin/env node
// Entry point of the `tradeloop` command: runs the compiled CLI (built by `npm install`).
import '../dist/cli/main.js';
