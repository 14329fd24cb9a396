// The Rollout: blue/green with a preview Service, manual promotion, analysis of the new
// revision before promotion (smoke + Prometheus) and after it (Prometheus, production traffic).
import { Rollout, type IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { PodTemplate } from 'kubernetes-models/v1/PodTemplate';
import type { EnvironmentConfig } from '../environments/types.ts';
import type { ImageReference } from '../images.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels, NAMES, POD_TEMPLATE_HASH_ARG, SELECTOR } from './names.ts';
import { paymentsPodTemplate } from './pod.ts';

type BlueGreen = NonNullable<NonNullable<IRollout['spec']['strategy']>['blueGreen']>;
type RolloutAnalysis = NonNullable<BlueGreen['prePromotionAnalysis']>;

/**
 * The hash of the revision under analysis. `Latest` is the new ReplicaSet (Argo Rollouts
 * utils/analysis/factory.go: BuildArgumentsForRolloutAnalysisRun reads newRS's
 * rollouts-pod-template-hash): the preview before promotion, the new active after it.
 */
const LATEST_HASH_ARG = { name: POD_TEMPLATE_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } };

function analysis(templateNames: readonly string[]): RolloutAnalysis {
  return { templates: templateNames.map((templateName) => ({ templateName })), args: [LATEST_HASH_ARG] };
}

export function rollout(env: EnvironmentConfig, image: ImageReference): KubeObject {
  const template = paymentsPodTemplate(env, image);
  // The Argo Rollouts model (CRDs of v1.5.0) predates lifecycle.preStop.sleep; the template is
  // therefore also validated against the core PodTemplate schema of kubernetes-models.
  validated(new PodTemplate({ metadata: { name: NAMES.rollout, namespace: env.namespace }, template }));

  const prometheus = env.monitoring !== undefined;
  const blueGreen: BlueGreen = {
    activeService: NAMES.activeService,
    previewService: NAMES.previewService,
    autoPromotionEnabled: false,
    scaleDownDelaySeconds: env.rollout.scaleDownDelaySeconds,
    abortScaleDownDelaySeconds: env.rollout.abortScaleDownDelaySeconds,
    prePromotionAnalysis: analysis(
      prometheus ? [NAMES.analysis.smoke, NAMES.analysis.errorRate, NAMES.analysis.latencyP99] : [NAMES.analysis.smoke],
    ),
    ...(prometheus ? { postPromotionAnalysis: analysis([NAMES.analysis.errorRate, NAMES.analysis.latencyP99]) } : {}),
  };

  return validated(
    new Rollout({
      metadata: {
        name: NAMES.rollout,
        namespace: env.namespace,
        labels: labels(),
        annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun },
      },
      spec: {
        replicas: env.rollout.replicas,
        revisionHistoryLimit: env.rollout.revisionHistoryLimit,
        progressDeadlineSeconds: env.rollout.progressDeadlineSeconds,
        // Argo Rollouts ≥ 1.5: a rollback to one of the last N ReplicaSets is fast-tracked
        // (no pause, no analysis), so a `quickship rollback` revert commit switches back at once.
        ...(env.rollout.rollbackWindowRevisions > 0
          ? { rollbackWindow: { revisions: env.rollout.rollbackWindowRevisions } }
          : {}),
        selector: { matchLabels: { ...SELECTOR } },
        strategy: { blueGreen },
        template: template as IRollout['spec']['template'],
      },
    }),
  );
}
