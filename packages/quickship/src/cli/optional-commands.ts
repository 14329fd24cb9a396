// Commands other parts add in their own files (e.g. `release` from the Kubernetes work) are
// registered when their module loads, so this CLI builds and runs before they land; a module
// that fails to load leaves a command that says why instead of breaking every other command.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from './errors.ts';

const OPTIONAL = ['release'];

export async function registerOptional(program: Command): Promise<void> {
  for (const name of OPTIONAL) {
    const url = new URL(`./commands/${name}.ts`, import.meta.url);
    if (!existsSync(url)) continue;
    try {
      const module = (await import(url.href)) as { register?: (program: Command) => void };
      module.register?.(program);
    } catch (error) {
      program
        .command(name, { hidden: true })
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new UserError(`\`quickship ${name}\` is unavailable in this checkout: ${(error as Error).message}`, 'update the checkout (npm install), or report it');
        });
    }
  }
}
