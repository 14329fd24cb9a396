// Commands other parts add in their own files (e.g. `release` from the Kubernetes work) are
// registered when their module exists, so this CLI builds and runs before they land.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';

const OPTIONAL = ['release.ts'];

export async function registerOptional(program: Command): Promise<void> {
  for (const file of OPTIONAL) {
    const url = new URL(`./commands/${file}`, import.meta.url);
    if (!existsSync(url)) continue;
    const module = (await import(url.href)) as { register?: (program: Command) => void };
    module.register?.(program);
  }
}
