#!/usr/bin/env node
import '../dist/cmd/amtool_main.js';
