#!/usr/bin/env node
import '../dist/cmd/alertmanager.js';
