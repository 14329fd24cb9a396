// Reads a Dockerfile into stages of instructions, with the parser's own rules (buildkit
// frontend/dockerfile/parser): parser directives (`# escape=`, `# syntax=`) at the top only;
// a line ending in the escape character continues on the next one (joined without adding a
// blank, comment and empty lines inside a continuation skipped); keywords are case-insensitive;
// an argument that is a JSON array of strings is the exec form, anything else the shell form.
// Heredocs (`RUN <<EOF`) are refused rather than misread. Pure: text in, data out.
import { DockerfileError } from './dockerfile-errors.ts';
import { dockerWord } from './shell-words.ts';

export interface DockerfileInstruction {
  /** Upper case: RUN, CMD, ENTRYPOINT… */
  readonly keyword: string;
  /** `--from=build` → { from: 'build' } (leading flags of FROM, RUN, COPY, ADD). */
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments after the flags, continuations joined, as a shell would receive them. */
  readonly text: string;
  /** The exec form's strings (`CMD ["a", "b"]`); undefined for the shell form. */
  readonly exec?: readonly string[];
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface DockerfileStage {
  /** `FROM … AS <name>`, if given. */
  readonly name?: string;
  /** The base image or earlier stage, global ARGs substituted. */
  readonly from: string;
  readonly line: number;
  readonly instructions: readonly DockerfileInstruction[];
}

export interface Dockerfile {
  readonly escape: string;
  /** ARG instructions before the first FROM (usable in FROM lines; a stage redeclares them). */
  readonly globalArgs: readonly DockerfileInstruction[];
  readonly stages: readonly DockerfileStage[];
}

const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const EXEC_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'HEALTHCHECK', 'ADD', 'COPY']);
const HEREDOC = /(^|\s)<<-?\s*["']?[A-Za-z_]\w*["']?/;

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  let index = 0;
  // Parser directives: `# key=value` lines before anything else.
  for (; index < lines.length; index++) {
    const directive = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[index]!);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === 'escape') {
      if (directive[2] !== '\\' && directive[2] !== '`')
        throw new DockerfileError(
          `line ${index + 1}: invalid escape directive "${directive[2]}"`,
          'use `# escape=\\` or `# escape=``',
        );
      escape = directive[2];
    }
  }
  const isBlankOrComment = (line: string): boolean => /^\s*(#.*)?$/.test(line);
  const continues = (line: string): boolean => new RegExp(`${escapeRegExp(escape)}[ \\t]*$`).test(line);

  const globalArgs: DockerfileInstruction[] = [];
  const stages: { stage: Omit<DockerfileStage, 'instructions'>; instructions: DockerfileInstruction[] }[] = [];
  const globals: Record<string, string> = {};
  while (index < lines.length) {
    if (isBlankOrComment(lines[index]!)) {
      index++;
      continue;
    }
    const line = index + 1;
    let logical = lines[index++]!;
    while (continues(logical)) {
      logical = logical.replace(new RegExp(`${escapeRegExp(escape)}[ \\t]*$`), '');
      while (index < lines.length && isBlankOrComment(lines[index]!)) index++;
      if (index >= lines.length) break;
      logical += lines[index++]!;
    }
    const instruction = readInstruction(logical.trim(), line, escape);
    if (instruction.keyword === 'FROM') {
      const words = instruction.text.split(/\s+/);
      const as = words.length === 3 && words[1]!.toUpperCase() === 'AS' ? words[2] : undefined;
      if (words.length !== 1 && as === undefined)
        throw new DockerfileError(
          `line ${line}: FROM ${instruction.text} is not "image [AS name]"`,
          'fix the FROM line',
        );
      stages.push({
        stage: {
          from: dockerWord(words[0]!, globals, escape, `line ${line} FROM`),
          line,
          ...(as === undefined ? {} : { name: as.toLowerCase() }),
        },
        instructions: [],
      });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      globalArgs.push(instruction);
      for (const [name, value] of argDeclarations(instruction, globals, escape))
        if (value !== undefined) globals[name] = value;
    } else {
      throw new DockerfileError(`line ${line}: ${instruction.keyword} before the first FROM`, 'start with a FROM line');
    }
  }
  if (stages.length === 0) throw new DockerfileError('the Dockerfile has no FROM line', 'add a FROM line');
  return { escape, globalArgs, stages: stages.map(({ stage, instructions }) => ({ ...stage, instructions })) };
}

function readInstruction(logical: string, line: number, escape: string): DockerfileInstruction {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(logical)!;
  const keyword = match[1]!.toUpperCase();
  let rest = match[2]!;
  const flags: Record<string, string> = {};
  if (FLAGGED.has(keyword)) {
    for (
      let flag = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest);
      flag;
      flag = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest)
    ) {
      flags[flag[1]!] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
  }
  if ((keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && HEREDOC.test(rest))
    throw new DockerfileError(
      `line ${line}: ${keyword} uses a heredoc, which the local Dockerfile reader does not read`,
      'write the step on one logical line (continue lines with the escape character)',
    );
  const exec = EXEC_FORM.has(keyword) ? execForm(rest, escape) : undefined;
  return { keyword, flags, text: rest.trim(), line, ...(exec ? { exec } : {}) };
}

/** A JSON array of strings is the exec form; anything else (even broken JSON) is the shell form, as in Docker. */
function execForm(rest: string, escape: string): string[] | undefined {
  const trimmed = rest.trim();
  if (!trimmed.startsWith('[')) return undefined;
  // With `# escape=``, backslashes are ordinary in the shell form but still JSON escapes here.
  void escape;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `ARG a=1 b` → [['a', '1'], ['b', undefined]], defaults substituted with `env`. */
export function argDeclarations(
  instruction: DockerfileInstruction,
  env: Readonly<Record<string, string>>,
  escape: string,
): [string, string | undefined][] {
  const where = `line ${instruction.line} ARG`;
  return splitAssignments(instruction.text).map((word) => {
    const equals = word.indexOf('=');
    if (equals < 0) return [word, undefined];
    return [word.slice(0, equals), dockerWord(word.slice(equals + 1), env, escape, where)];
  });
}

/** Splits `a=1 b="x y"` on blanks outside quotes, keeping the quotes for substitution. */
export function splitAssignments(text: string): string[] {
  return text.match(/(?:\\.|[^\s"'\\]+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|`]/g, '\\$&');
}
