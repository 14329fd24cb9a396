// Words of a Dockerfile argument, with two readers of the same quoting rules:
// - Docker's own environment replacement (buildkit frontend/dockerfile/shell/lex.go), applied to
//   ENV, ARG, WORKDIR, USER, FROM…: quotes removed, `$VAR`, `${VAR}`, `${VAR:-w}`, `${VAR-w}`,
//   `${VAR:+w}`, `${VAR+w}` substituted, no field splitting (`dockerWords`, `dockerWord`);
// - a POSIX shell's reading of a simple command, for the build stage's bundle RUN line
//   (`shellCommand`): the same quoting, `$VAR` from the stage's ARG/ENV, and `$(…)` command
//   substitutions kept as scripts for the caller to run; unquoted expansions are field-split
//   afterwards (`expandFields`). Lists, pipes, redirections and backticks are refused: the local
//   build runs one command, not a script.
// Pathname expansion (globbing) is not done; an unquoted `*` stays literal, which is what sh
// does too when nothing matches (the bundle's `--external:pkg/*` matches no file).
import { DockerfileError } from './dockerfile-errors.ts';

export type WordPart =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'expansion'; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'command'; readonly script: string; readonly quoted: boolean };

export type Word = readonly WordPart[];

interface LexOptions {
  readonly env: Readonly<Record<string, string>>;
  /** Dockerfile escape character (`\` unless `# escape=` says otherwise). */
  readonly escape: string;
  /** 'docker': ENV/WORKDIR replacement; 'shell': a RUN line read as sh would. */
  readonly mode: 'docker' | 'shell';
  /** Where the text comes from, for error messages ("line 42 RUN"). */
  readonly where: string;
  /** False: blanks are part of the one word (Docker's ProcessWord for WORKDIR, USER, `ENV k v`). */
  readonly split?: boolean;
}

const BLANK = /[ \t\n]/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SHELL_OPERATORS = new Set([';', '&', '|', '<', '>', '(', ')', '`']);

/** Splits `text` into words (whitespace outside quotes separates them). */
export function lexWords(text: string, options: LexOptions): Word[] {
  const words: WordPart[][] = [];
  let current: WordPart[] | undefined;
  let i = 0;
  const push = (part: WordPart): void => {
    current ??= [];
    const last = current[current.length - 1];
    if (part.kind === 'literal' && last?.kind === 'literal')
      current[current.length - 1] = { kind: 'literal', value: last.value + part.value };
    else current.push(part);
  };
  const fail = (what: string): never => {
    throw new DockerfileError(
      `${options.where}: ${what} in "${text.trim()}"`,
      options.mode === 'shell'
        ? 'write the bundle step as one command (words, quotes, $VAR and $(…) only), as the Dockerfile has it today'
        : 'close the quote or escape the character',
    );
  };
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.test(c) && options.split !== false) {
      if (current) words.push(current);
      current = undefined;
      i++;
    } else if (c === options.escape) {
      if (i + 1 < text.length) push({ kind: 'literal', value: text[i + 1]! });
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('unterminated single quote');
      push({ kind: 'literal', value: text.slice(i + 1, end) });
      current ??= [];
      i = end + 1;
    } else if (c === '"') {
      current ??= [];
      i = readDoubleQuoted(text, i + 1, options, push, fail);
    } else if (c === '$') {
      i = readDollar(text, i, false, options, push, fail);
    } else if (options.mode === 'shell' && SHELL_OPERATORS.has(c)) {
      fail(`the shell operator "${c}" is not supported`);
    } else {
      push({ kind: 'literal', value: c });
      i++;
    }
  }
  if (current) words.push(current);
  return words;
}

function readDoubleQuoted(
  text: string,
  start: number,
  options: LexOptions,
  push: (part: WordPart) => void,
  fail: (what: string) => never,
): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return i + 1;
    if (c === options.escape && i + 1 < text.length && '"$`\n'.includes(text[i + 1]!)) {
      push({ kind: 'literal', value: text[i + 1]! });
      i += 2;
    } else if (c === options.escape && text[i + 1] === options.escape) {
      push({ kind: 'literal', value: c });
      i += 2;
    } else if (c === '$') {
      i = readDollar(text, i, true, options, push, fail);
    } else if (c === '`' && options.mode === 'shell') {
      fail('backtick command substitution is not supported (use $(…))');
    } else {
      push({ kind: 'literal', value: c });
      i++;
    }
  }
  return fail('unterminated double quote');
}

/** `$NAME`, `${NAME…}` or (shell mode) `$(…)` at `text[i]`; returns the index after it. */
function readDollar(
  text: string,
  i: number,
  quoted: boolean,
  options: LexOptions,
  push: (part: WordPart) => void,
  fail: (what: string) => never,
): number {
  const next = text[i + 1];
  if (next === '(' && options.mode === 'shell') {
    const end = matchingParen(text, i + 2);
    if (end < 0) fail('unterminated $(');
    push({ kind: 'command', script: text.slice(i + 2, end), quoted });
    return end + 1;
  }
  if (next === '{') {
    const end = text.indexOf('}', i + 2);
    if (end < 0) fail('unterminated ${');
    const inner = text.slice(i + 2, end);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
    if (!match) fail(`unsupported substitution "\${${inner}}" (supported: \${VAR}, \${VAR:-word}, \${VAR:+word})`);
    const [, name, operator, word] = match!;
    const value = options.env[name!];
    const set = value !== undefined && (operator?.startsWith(':') ? value !== '' : true);
    let result: string;
    if (operator === undefined) result = value ?? '';
    else if (operator.endsWith('-')) result = set ? value! : substituteWord(word ?? '', options);
    else result = set ? substituteWord(word ?? '', options) : '';
    push({ kind: 'expansion', value: result, quoted });
    return end + 1;
  }
  if (next !== undefined && NAME_START.test(next)) {
    let end = i + 2;
    while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
    push({ kind: 'expansion', value: options.env[text.slice(i + 1, end)] ?? '', quoted });
    return end;
  }
  push({ kind: 'literal', value: '$' });
  return i + 1;
}

/** The word of `${VAR:-word}`: itself substituted, quotes removed. */
function substituteWord(word: string, options: LexOptions): string {
  return lexWords(word, { ...options, mode: 'docker' })
    .map((parts) => joinParts(parts))
    .join(' ');
}

/** The `)` closing a `$(` that starts at `start`, skipping quoted text and nested parentheses. */
function matchingParen(text: string, start: number): number {
  let depth = 1;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function joinParts(parts: Word): string {
  return parts.map((part) => (part.kind === 'command' ? `$(${part.script})` : part.value)).join('');
}

/** Docker environment replacement of a list of words (ENV key=value pairs, ARG, EXPOSE…). */
export function dockerWords(
  text: string,
  env: Readonly<Record<string, string>>,
  escape: string,
  where: string,
): string[] {
  return lexWords(text, { env, escape, mode: 'docker', where }).map(joinParts);
}

/** Docker environment replacement of one value that keeps its blanks (WORKDIR, USER, legacy `ENV k v`). */
export function dockerWord(text: string, env: Readonly<Record<string, string>>, escape: string, where: string): string {
  return lexWords(text.trim(), { env, escape, mode: 'docker', where, split: false }).map(joinParts).join('');
}

/** A RUN line read as sh reads a simple command (see the header); `$(…)` left for the caller. */
export function shellCommand(text: string, env: Readonly<Record<string, string>>, where: string): Word[] {
  return lexWords(text, { env, escape: '\\', mode: 'shell', where });
}

/**
 * The fields of a word once its command substitutions have run (`outputs`, in order): unquoted
 * expansions are split on blanks (IFS default) and a trailing newline of `$(…)` is dropped, as sh
 * does. A word that expands to nothing and had no quotes disappears.
 */
export function expandFields(word: Word, outputs: readonly string[]): string[] {
  const fields: string[] = [''];
  let keep = false;
  let next = 0;
  for (const part of word) {
    if (part.kind === 'literal') {
      fields[fields.length - 1] += part.value;
      keep = true;
      continue;
    }
    const value = part.kind === 'command' ? (outputs[next++] ?? '').replace(/\n+$/, '') : part.value;
    if (part.quoted) {
      fields[fields.length - 1] += value;
      keep = true;
      continue;
    }
    // Leading or trailing blanks give empty pieces, which end the field before or after.
    const pieces = value.split(/[ \t\n]+/);
    fields[fields.length - 1] += pieces[0] ?? '';
    for (const piece of pieces.slice(1)) fields.push(piece);
  }
  const nonEmpty = fields.filter((field) => field !== '');
  return nonEmpty.length === 0 && keep ? [''] : nonEmpty;
}

/** The command substitutions of a command's words, in the order `expandFields` consumes them. */
export function commandSubstitutions(words: readonly Word[]): string[] {
  return words.flatMap((word) => word.flatMap((part) => (part.kind === 'command' ? [part.script] : [])));
}
