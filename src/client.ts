#!/usr/bin/env node
// The `archiver` command's entry point.
import { main } from './cli/main';

// The AWS SDK warns on every start that future releases need Node 22; this release is pinned and supported.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`archiver: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
