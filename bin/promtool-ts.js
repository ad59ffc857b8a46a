#!/usr/bin/env node
import '../dist/cmd/promtool.js';
