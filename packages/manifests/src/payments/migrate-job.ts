// The database migration as an Argo CD PreSync hook: it runs, with the release's image, before
// the new Rollout template is applied, so the schema is ready before the new revision starts
// (migrations must stay compatible with the revision still serving).
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { EnvironmentConfig } from '../environments/types.ts';
import type { ImageReference } from '../images.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, ENTRYPOINT_ARGS, labels, MIGRATE_POD, NAMES } from './names.ts';
import { entrypointJobSpec, secretEnv, valueEnv } from './pod.ts';

export function migrateJob(env: EnvironmentConfig, image: ImageReference): KubeObject {
  // Without External Secrets the hand-made payments-secrets exists before anything is applied.
  const secret = env.externalSecrets ? NAMES.migrateSecret : NAMES.secret;
  return validated(
    new Job({
      metadata: {
        name: NAMES.migrateJob,
        namespace: env.namespace,
        labels: labels(MIGRATE_POD),
        annotations: {
          [ARGOCD.hook]: 'PreSync',
          // A fixed name, replaced on every sync; the last run stays inspectable until the next.
          [ARGOCD.hookDeletePolicy]: 'BeforeHookCreation',
          [ARGOCD.syncWave]: '0',
        },
      },
      spec: entrypointJobSpec(env, image, {
        container: 'migrate',
        podName: MIGRATE_POD,
        args: ENTRYPOINT_ARGS.migrate,
        // Plain values: the ConfigMap is an ordinary resource, applied after PreSync. The pod runs
        // as the namespace's default ServiceAccount (payments' own is ordinary too), without a token.
        env: [valueEnv('LOG_LEVEL', env.settings.logLevel), secretEnv('DATABASE_URL', secret)],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        backoffLimit: 1,
        activeDeadlineSeconds: 600,
      }),
    }),
  );
}
