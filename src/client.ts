#!/usr/bin/env node
// The `archiver` command's entry point.
import { main } from './cli/main';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`archiver: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
