// Reads a Dockerfile with dockerfile-ast (the parser behind the Docker VS Code extension) into
// stages of instructions, the shape the image tests assert on.
import { DockerfileParser, type Copy, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';

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
    if (!current) throw new Error(`line ${instruction.getRange().start.line + 1}: ${instruction.getKeyword()} before the first FROM`);
    current.instructions.push(toInstruction(instruction));
  }
  return stages.map(({ stage, instructions }) => ({ ...stage, instructions }));
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const flags: Record<string, string | null> = {};
  const withFlags = instruction as Partial<Copy>;
  for (const flag of withFlags.getFlags?.() ?? []) flags[flag.getName()] = flag.getValue();
  const json = (instruction as Partial<JSONInstruction>).getJSONStrings?.() ?? [];
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
