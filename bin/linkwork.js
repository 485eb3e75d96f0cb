#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx linkwork` works straight from a clone. It loads in this
// process (no child), so signals such as SIGTERM from a process manager reach `linkwork serve` itself.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
