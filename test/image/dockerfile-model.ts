// Reads a Dockerfile with dockerfile-ast (the parser behind the Docker VS Code extension) into
// stages of instructions, the shape the image tests assert on.
import { DockerfileParser, JSONInstruction, ModifiableInstruction, type From, type Instruction } from 'dockerfile-ast';

export interface DockerInstruction {
  readonly keyword: string;
  /** Arguments without flags; for exec-form (JSON) instructions, the JSON strings. */
  readonly args: readonly string[];
  /** `--from=build` → { from: 'build' } */
  readonly flags: Readonly<Record<string, string | null>>;
  /** The argument text with line continuations joined, as a shell would see it. */
  readonly content: string;
  readonly line: number;
  readonly execForm: boolean;
}

export interface DockerStage {
  readonly name: string | undefined;
  readonly image: string;
  /** Registry host and repository, without tag or digest, e.g. "gcr.io/distroless/nodejs24-debian12". */
  readonly imageName: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

export function parseDockerfile(text: string): readonly DockerStage[] {
  const stages: { stage: Omit<DockerStage, 'instructions'>; instructions: DockerInstruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      stages.push({
        stage: {
          name: from.getBuildStage() ?? undefined,
          image: from.getImage() ?? '',
          imageName: [from.getRegistry(), from.getImageName()].filter(Boolean).join('/'),
          tag: from.getImageTag() ?? undefined,
          digest: from.getImageDigest() ?? undefined,
        },
        instructions: [],
      });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current)
      throw new Error(
        `line ${instruction.getRange().start.line + 1}: ${instruction.getKeyword()} before the first FROM`,
      );
    current.instructions.push(toInstruction(instruction));
  }
  return stages.map(({ stage, instructions }) => ({ ...stage, instructions }));
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const flags: Record<string, string | null> = {};
  if (instruction instanceof ModifiableInstruction)
    for (const flag of instruction.getFlags()) flags[flag.getName()] = flag.getValue();
  const json = instruction instanceof JSONInstruction ? instruction.getJSONStrings() : [];
  const execForm = json.length > 0;
  return {
    keyword: instruction.getKeyword(),
    args: execForm ? json.map((arg) => arg.getJSONValue()) : instruction.getArguments().map((arg) => arg.getValue()),
    flags,
    content: instruction.getArgumentsContent() ?? '',
    line: instruction.getRange().start.line + 1,
    execForm,
  };
}

export function stageNamed(stages: readonly DockerStage[], name: string): DockerStage {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage named ${name}`);
  return found;
}

export function instructions(keyword: string, within: readonly DockerStage[]): DockerInstruction[] {
  return within.flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === keyword));
}

export interface BundleStep {
  readonly run: DockerInstruction;
  /** --outdir, relative to the WORKDIR. */
  readonly outdir: string;
  /** Entry points written `out=in`: name, TypeScript source, and the file the build writes. */
  readonly entries: readonly { readonly name: string; readonly source: string; readonly output: string }[];
}

/** The esbuild invocation of the build stage. */
export function bundleStep(stages: readonly DockerStage[]): BundleStep {
  const run = instructions('RUN', [stageNamed(stages, 'build')]).find((instruction) =>
    /\besbuild\b/.test(instruction.content),
  );
  if (!run) throw new Error('the build stage has no esbuild step');
  const words = run.content.split(/\s+/);
  const outdir = words.find((word) => word.startsWith('--outdir='))?.slice('--outdir='.length);
  if (!outdir) throw new Error('the esbuild step has no --outdir');
  const extension = words.find((word) => word.startsWith('--out-extension:.js='))?.split('=')[1] ?? '.js';
  const entries = words
    .filter((word) => /^\w+=\S+\.ts$/.test(word))
    .map((word) => {
      const [name, source] = word.split('=') as [string, string];
      return { name, source, output: `${outdir}/${name}${extension}` };
    });
  return { run, outdir, entries };
}
