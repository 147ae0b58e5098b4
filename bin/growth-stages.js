#!/usr/bin/env node
// The package's command: runs the TypeScript CLI through tsx, so there is no build step.
require('tsx/cjs');
require('./cli.ts');
