// Desired state as Argo CD's repo-server sees it: the files under an Application's path at the
// commit its targetRevision resolves to, read from Git objects — never the working tree. Also
// reports uncommitted changes under that path, which are shown ("not deployed: uncommitted")
// and never applied. Thin shell over `git`; everything else in gitops/ is pure.
import { execFile } from 'node:child_process';
import { UserError } from '../errors.ts';
import { gitDirs, type GitDirs } from '../git-dirs.ts';
import { refsStamp, worktreeStamp } from './git-stamp.ts';

export interface SourceFile {
  /** Path relative to the repository root, e.g. "deploy/apps/payments/rollout.yaml". */
  readonly path: string;
  readonly text: string;
}

export interface RevisionInfo {
  readonly commit: string;
  readonly subject: string;
  readonly author: string;
  readonly date: string;
}

export class RevisionNotFoundError extends UserError {
  constructor(repo: string, revision: string, detail: string) {
    super(
      `targetRevision "${revision}" does not resolve to a commit in ${repo}: ${detail}`,
      'set spec.source.targetRevision to an existing branch, tag or commit (tests name their branch as the Application does)',
      'BadRequest',
    );
  }
}

export class GitSource {
  /** Answers of the last git runs with the fingerprint they were read at (git-stamp.ts). */
  private readonly resolved = new Map<string, { readonly stamp: string; readonly commit: string }>();
  private readonly changed = new Map<string, { readonly stamp: string; readonly paths: string[] }>();
  private dirs: GitDirs | null | undefined;

  constructor(readonly repoDir: string) {}

  private gitDirs(): GitDirs | undefined {
    if (this.dirs === undefined) this.dirs = gitDirs(this.repoDir) ?? null;
    return this.dirs ?? undefined;
  }

  /** A branch, tag, commit or HEAD → the full commit id (git runs only when the refs changed). */
  async resolve(revision: string): Promise<string> {
    const dirs = this.gitDirs();
    const stamp = dirs && refsStamp(dirs);
    const known = this.resolved.get(revision);
    if (stamp !== undefined && known?.stamp === stamp) return known.commit;
    const commit = await this.revParse(revision);
    if (stamp !== undefined) this.resolved.set(revision, { stamp, commit });
    return commit;
  }

  private async revParse(revision: string): Promise<string> {
    const candidates =
      revision === 'HEAD' || revision === '' ? ['HEAD'] : [revision, `refs/tags/${revision}`, `origin/${revision}`];
    let last = '';
    for (const candidate of candidates) {
      try {
        return (await this.git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`])).trim();
      } catch (error) {
        last = (error as Error).message;
      }
    }
    throw new RevisionNotFoundError(this.repoDir, revision, last.trim() || 'no such branch, tag or commit');
  }

  async info(commit: string): Promise<RevisionInfo> {
    const out = await this.git(['show', '-s', '--format=%H%x00%s%x00%an%x00%cI', commit]);
    const [id = commit, subject = '', author = '', date = ''] = out.trim().split('\0');
    return { commit: id, subject, author, date };
  }

  /** Manifest files (*.yaml, *.yml, *.json) under `path` at `commit`; `recurse` as directory.recurse. */
  async files(commit: string, path: string, recurse: boolean): Promise<SourceFile[]> {
    const prefix = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    const listing = await this.git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', prefix === '' ? '.' : prefix]);
    const blobs: { path: string; oid: string }[] = [];
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, oid] = entry.slice(0, tab).split(' ');
      const file = entry.slice(tab + 1);
      if (type !== 'blob' || !oid || !/\.(ya?ml|json)$/i.test(file)) continue;
      const rest = prefix === '' ? file : file.slice(prefix.length + 1);
      if (!recurse && rest.includes('/')) continue;
      blobs.push({ path: file, oid });
    }
    blobs.sort((a, b) => a.path.localeCompare(b.path));
    const texts = await this.catBlobs(blobs.map((b) => b.oid));
    return blobs.map((b, i) => ({ path: b.path, text: texts[i] ?? '' }));
  }

  /**
   * Files under `path` whose working-tree state differs from HEAD (modified, added, deleted,
   * untracked); git runs only when the index or something under the path changed.
   */
  async uncommitted(path: string): Promise<string[]> {
    const dirs = this.gitDirs();
    const tree = dirs && worktreeStamp(this.repoDir, dirs, path);
    const stamp = dirs && tree !== undefined ? `${refsStamp(dirs)}\n${tree}` : undefined;
    const known = this.changed.get(path);
    if (stamp !== undefined && known?.stamp === stamp) return known.paths;
    const paths = await this.status(path);
    if (stamp !== undefined) this.changed.set(path, { stamp, paths });
    return paths;
  }

  private async status(path: string): Promise<string[]> {
    const out = await this.git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', path]);
    return out
      .split('\0')
      .filter((line) => line.length > 3)
      .map((line) => line.slice(3));
  }

  private async catBlobs(oids: readonly string[]): Promise<string[]> {
    if (oids.length === 0) return [];
    const out = await this.git(['cat-file', '--batch'], `${oids.join('\n')}\n`, 'buffer');
    const buffer = out as unknown as Buffer;
    const texts: string[] = [];
    let offset = 0;
    for (let i = 0; i < oids.length; i++) {
      const newline = buffer.indexOf(10, offset);
      const header = buffer.subarray(offset, newline).toString('utf8').split(' ');
      const size = Number(header[2]);
      texts.push(buffer.subarray(newline + 1, newline + 1 + size).toString('utf8'));
      offset = newline + 1 + size + 1;
    }
    return texts;
  }

  private git(args: readonly string[], input?: string, encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        ['-C', this.repoDir, ...args],
        {
          encoding: encoding === 'buffer' ? 'buffer' : 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
        },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`git ${args[0]}: ${String(stderr).trim() || error.message}`));
          else resolve(stdout as unknown as string);
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }
}
