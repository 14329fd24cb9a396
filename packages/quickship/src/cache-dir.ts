// Where quickship keeps caches that only save time (parse results keyed by content hash):
// $QUICKSHIP_CACHE_DIR, else $XDG_CACHE_HOME/quickship, else ~/.cache/quickship. Deleting it is
// always safe.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QUICKSHIP_CACHE_DIR) return env.QUICKSHIP_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'quickship');
}
