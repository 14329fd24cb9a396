// How the compatibility check starts a build's processes: the only place that knows an image's
// process layout (ENTRYPOINT/CMD, runtime/command.ts). Kept small and alone on purpose: how images
// are launched is changing (Dockerfile ENTRYPOINT/CMD); only these two functions follow it.
import { containerArgv } from '../../runtime/command.ts';
import type { ResolvedImage } from '../../runtime/registry.ts';

/** The image's default process: its HTTP server. */
export function serverCommand(image: ResolvedImage): { readonly file: string; readonly args: readonly string[] } {
  const { file, args } = containerArgv(image.manifest.config, {}, { rootfs: image.rootfs });
  return { file, args };
}

/** The image's smoke entry point (the AnalysisTemplate's smoke Job runs the same one in the cluster). */
export function smokeCommand(image: ResolvedImage): { readonly file: string; readonly args: readonly string[] } {
  // The smoke AnalysisTemplate's Job: args over the image's ENTRYPOINT (deploy/apps/payments/analysistemplate-smoke.yaml).
  const { file, args } = containerArgv(
    image.manifest.config,
    { args: ['services/payments/dist/smoke.mjs'] },
    { rootfs: image.rootfs },
  );
  return { file, args };
}
