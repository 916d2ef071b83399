#!/usr/bin/env node
'use strict';
// Plain JS launcher: registers tsx (no build step) and runs the TypeScript CLI.
require('tsx/cjs/api').register();
require('../src/cli/main.ts');
