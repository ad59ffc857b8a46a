#!/usr/bin/env node
import '../dist/cmd/prometheus.js';
