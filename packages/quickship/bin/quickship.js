#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx (no build step), so signals such as
// Ctrl-C reach `quickship up` directly and it can drain what it started.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
