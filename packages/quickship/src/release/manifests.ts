// The release's view of the manifests: @quickship/manifests renders deploy/ from typed code with
// the new images.json (its objects are schema-validated as they are built), and the rendered
// Rollouts and Services must pass `kubectl argo rollouts lint` (core/lint.ts) before anything is
// written. Only upstream ("argo") lint errors block a release; local-engine notes do not.
import { DEPLOY_DIR, environments, renderAll, type ImagesFile } from '@quickship/manifests';
import { splitManifests, type ManifestDocument } from '../core/manifests.ts';
import { lintManifests } from '../core/lint.ts';
import type { ManifestsPort } from './apply.ts';
import { ReleaseValidationError } from './errors.ts';

export const manifestsPort: ManifestsPort = {
  outputDirs: [DEPLOY_DIR],

  render(images: ImagesFile): ReadonlyMap<string, string> {
    try {
      return renderAll({ images });
    } catch (error) {
      // The render refuses a bad image or a broken invariant with a named error: nothing is written.
      throw new ReleaseValidationError([error instanceof Error ? error.message : String(error)]);
    }
  },

  validate(files: ReadonlyMap<string, string>): readonly string[] {
    // A Rollout is linted with the Services of its own folder, as `kubectl argo rollouts lint -f`.
    const byFolder = new Map<string, ManifestDocument[]>();
    for (const [path, text] of files) {
      const folder = path.slice(0, path.lastIndexOf('/'));
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), ...splitManifests(text, path)]);
    }
    const problems: string[] = [];
    for (const docs of byFolder.values()) {
      for (const error of lintManifests(docs).errors)
        if (error.origin === 'argo') problems.push(`${error.file}: ${error.message}`);
    }
    return problems;
  },

  repositoryRule(environment: string) {
    const env = environments.find((candidate) => candidate.name === environment);
    return env ? { pattern: env.images.repository, describe: env.images.describe } : undefined;
  },
};
