// Entry point of `npm run render` (root script: tsx packages/manifests/src/cli.ts).
import { renderCommand } from './command.ts';

process.exitCode = renderCommand(process.argv.slice(2));
