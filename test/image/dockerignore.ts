// .dockerignore matching as Docker applies it (moby/patternmatcher): patterns are relative to the
// context root, `*` and `?` stop at "/", `**` spans directories, a pattern that matches a parent
// directory excludes everything under it, and the last matching line (a `!` line re-includes) wins.

interface Rule {
  readonly exclude: boolean;
  readonly regex: RegExp;
  readonly pattern: string;
}

export class DockerIgnore {
  private readonly rules: readonly Rule[];

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const exclude = !line.startsWith('!');
        const pattern = clean(exclude ? line : line.slice(1).trim());
        return { exclude, pattern, regex: new RegExp(`^${globToRegex(pattern)}$`) };
      });
  }

  /** Whether the path (relative to the context root, "/"-separated) is left out of the context. */
  excludes(path: string): boolean {
    const candidates = prefixes(clean(path));
    let excluded = false;
    for (const rule of this.rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = rule.exclude;
    }
    return excluded;
  }

  get patterns(): readonly string[] {
    return this.rules.filter((rule) => rule.exclude).map((rule) => rule.pattern);
  }
}

function clean(path: string): string {
  return path
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\/+/g, '/');
}

/** "a/b/c" → ["a", "a/b", "a/b/c"]: a rule on a parent directory covers its contents. */
function prefixes(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slashFollows = glob[i + 2] === '/';
      out += slashFollows ? '(?:.*/)?' : '.*';
      i += slashFollows ? 2 : 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
