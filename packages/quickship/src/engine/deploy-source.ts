// Reads the declared objects from deploy/ (the working tree for now; a later step makes Git
// commits the only source) and reports changes, debounced, so an editor's save burst is one reload.
import { UserError } from '../errors.ts';
import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';

export interface DeployFile {
  /** Path relative to the deploy folder, e.g. "rollout.yaml". */
  readonly file: string;
  readonly text: string;
}

export class DeployDirNotFoundError extends UserError {
  override readonly code = 'NotFound';
  override readonly fix: string;
  constructor(readonly dir: string) {
    super(`deploy folder ${dir} does not exist`);
    this.name = 'DeployDirNotFoundError';
    this.fix = 'write the Rollout to deploy/apps/payments/rollout.yaml, or pass --dir <folder>';
  }
}

/** All *.yaml / *.yml / *.json files under `dir`, sorted by path (deterministic object order). */
export function readDeployDir(dir: string): DeployFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DeployDirNotFoundError(dir);
  const files: DeployFile[] = [];
  const walk = (folder: string): void => {
    // Code-point order (not localeCompare: its first call loads ICU's collator, ~10 ms of a CLI's start-up).
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ya?ml|json)$/i.test(entry.name))
        files.push({ file: relative(dir, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return files;
}

/** Calls `onChange` once per burst of changes under `dir` (quiet for `debounceMs`). */
export function watchDeployDir(dir: string, onChange: () => void, debounceMs = 150): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, fire);
    watcher.on('error', () => undefined); // the folder may be replaced wholesale; the tick re-reads it
  } catch {
    watcher = undefined; // recursive watch unsupported: the engine's periodic re-read still notices
  }
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
