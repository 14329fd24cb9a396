// Keeps the live store across engine restarts (.quickship/state/objects.json), as etcd keeps a
// cluster's: written atomically (temp file + rename), coalesced so a burst of writes is one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreSnapshot } from './object-store.ts';

export function loadSnapshot(file: string): StoreSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoreSnapshot;
    return Array.isArray(parsed.objects) && typeof parsed.resourceVersion === 'number' ? parsed : undefined;
  } catch {
    return undefined; // a torn or foreign file: start empty, Git is the source of truth anyway
  }
}

export function saveSnapshot(file: string, snapshot: StoreSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot));
  renameSync(temp, file);
}

/** Saves at most every `ms` while changes keep coming, and once more at `flush()`. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => StoreSnapshot,
    private readonly ms = 200,
  ) {}

  changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      saveSnapshot(this.file, this.snapshot());
    }, this.ms);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    saveSnapshot(this.file, this.snapshot());
  }
}
