// `quickship build`: what it does once its options are parsed (loaded on demand by commands/build.ts).
import { relative } from 'node:path';
import { LocalRegistry } from '../../runtime/registry.ts';
import { repoRoot } from '../repo.ts';
import { printLine, printErrorLine } from '../output.ts';

export interface BuildOptions {
  readonly tag?: string;
  readonly commit?: string;
  readonly repo?: string;
}

export async function runBuild(options: BuildOptions): Promise<void> {
  const repo = repoRoot(options.repo);
  const registry = new LocalRegistry({ repoDir: repo });
  const result = await registry.build({
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.commit ? { commit: options.commit } : {}),
  });
  const { manifest } = result;
  const where = relative(process.cwd(), registry.registryDir) || registry.registryDir;
  printLine(
    result.created
      ? `built payments:${manifest.tag} from ${manifest.commit.slice(0, 12)} into ${where}/${manifest.tag} (dependencies ${manifest.dependencies.mode}, Dockerfile bundle step ${manifest.bundle.seconds.toFixed(1)} s; runs ${[...manifest.config.entrypoint, ...manifest.config.cmd].join(' ')})`
      : `payments:${manifest.tag} is already built from ${manifest.commit.slice(0, 12)}`,
  );
  if (result.uncommittedChanges)
    printErrorLine(
      `note: the working tree has uncommitted changes; the build holds commit ${manifest.commit.slice(0, 12)} only`,
    );
  if (result.warning) printErrorLine(`warning: ${result.warning}`);
}
