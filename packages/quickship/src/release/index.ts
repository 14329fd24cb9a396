// `quickship release`: plan (pure, plan.ts), render + validate (manifests.ts), write all or
// nothing and commit only the changed files (apply.ts).
import { runRelease, type ReleaseOutcome, type ReleaseRequest } from './apply.ts';
import { manifestsPort } from './manifests.ts';

export { runRelease, type ManifestsPort, type ReleaseOutcome, type ReleaseRequest } from './apply.ts';
export { planRelease, validateReference, type ReleasePlan } from './plan.ts';
export * from './errors.ts';

export function releaseImage(
  request: Omit<ReleaseRequest, 'commit'> & { readonly commit?: boolean },
): Promise<ReleaseOutcome> {
  return runRelease({ commit: true, ...request }, manifestsPort);
}
