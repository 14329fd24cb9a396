// Where an Application's repoURL is read from. Locally every repoURL maps to this repository by
// default (shown as a note: the cluster reads the same commits from the Git host), or to the Git
// URL or path given at start (`quickship up --repo-map URL=PATH`). A mapped path can be any clone,
// e.g. a second clone acting as the remote.
import { resolve } from 'node:path';
import { GitSource } from './git-source.ts';
import { UserError } from '../errors.ts';

export class RepoResolver {
  private readonly sources = new Map<string, GitSource>();

  constructor(
    private readonly defaultRepo: string,
    private readonly mapping: ReadonlyMap<string, string> = new Map(),
  ) {}

  source(repoURL: string): GitSource {
    const dir = resolve(this.mapping.get(normalizeUrl(repoURL)) ?? this.defaultRepo);
    let source = this.sources.get(dir);
    if (!source) this.sources.set(dir, (source = new GitSource(dir)));
    return source;
  }

  /** The note status shows for a repoURL. */
  note(repoURL: string): string {
    const mapped = this.mapping.get(normalizeUrl(repoURL));
    return mapped
      ? `repoURL ${repoURL} is read from ${mapped} (--repo-map)`
      : `repoURL ${repoURL} is read from this repository (${this.defaultRepo}); map another with --repo-map URL=PATH`;
  }
}

/** "https://github.com/a/b.git/" and "https://github.com/a/b" are one repository, as Argo CD normalises them. */
export function normalizeUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}

export function parseRepoMap(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0 || eq === entry.length - 1)
      throw new UserError(
        `--repo-map "${entry}" is not URL=PATH`,
        'e.g. --repo-map https://github.com/example/quickship.git=../quickship-remote',
      );
    map.set(normalizeUrl(entry.slice(0, eq)), entry.slice(eq + 1));
  }
  return map;
}
