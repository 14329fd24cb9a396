// Rendering is a pure function: environments + images.json → Map<path relative to the repo
// root, YAML text>. Paths and object order are stable; every object has been validated.
import { awsSecretsManagerStore } from './argocd/cluster-secret-store.ts';
import { paymentsApplication, platformConfigApplication, rootApplication } from './argocd/applications.ts';
import {
  argoRolloutsAddon,
  awsLoadBalancerControllerAddon,
  externalSecretsAddon,
  kubePrometheusStackAddon,
  metricsServerAddon,
} from './argocd/platform.ts';
import { paymentsProject, platformProject } from './argocd/projects.ts';
import { LayoutError } from './errors.ts';
import type { EnvironmentConfig } from './environments/types.ts';
import { paymentsImage, type ImagesFile } from './images.ts';
import type { Placed } from './k8s/object.ts';
import { HEADER, toYaml } from './k8s/yaml.ts';
import { PAYMENTS_DIR, paymentsApp } from './payments/app.ts';

/** Every object of one environment, placed in its file (relative to the environment's outputDir). */
export function environmentObjects(env: EnvironmentConfig, images: ImagesFile): Placed[] {
  const app = paymentsApp(env, paymentsImage(env, images));
  const placed: Placed[] = [...app];
  const { argocd } = env;
  if (argocd) {
    const appObjects = app.map((p) => p.object);
    placed.push({ file: 'argocd/root.yaml', object: rootApplication(env, argocd) });
    placed.push({
      file: 'argocd/apps/project-payments.yaml',
      object: paymentsProject(argocd, env.namespace, appObjects),
    });
    placed.push({ file: 'argocd/apps/project-platform.yaml', object: platformProject(argocd) });
    placed.push({ file: 'argocd/apps/payments.yaml', object: paymentsApplication(env, argocd) });
    placed.push({ file: 'argocd/apps/platform-argo-rollouts.yaml', object: argoRolloutsAddon(argocd) });
    placed.push({ file: 'argocd/apps/platform-kube-prometheus-stack.yaml', object: kubePrometheusStackAddon(argocd) });
    placed.push({
      file: 'argocd/apps/platform-aws-load-balancer-controller.yaml',
      object: awsLoadBalancerControllerAddon(argocd),
    });
    placed.push({ file: 'argocd/apps/platform-external-secrets.yaml', object: externalSecretsAddon(argocd) });
    // The HPA's CPU metrics come from metrics-server: an autoscaled environment installs it.
    if (env.autoscaling)
      placed.push({ file: 'argocd/apps/platform-metrics-server.yaml', object: metricsServerAddon(argocd) });
    if (env.externalSecrets && env.aws) {
      placed.push({ file: 'argocd/apps/platform-config.yaml', object: platformConfigApplication(env, argocd) });
      placed.push({
        file: 'platform/clustersecretstore.yaml',
        object: awsSecretsManagerStore(env, env.externalSecrets, env.aws.region),
      });
    }
  }
  return placed;
}

/**
 * Without Argo CD the tree is applied with `kubectl apply -k`: kustomize orders the Namespace
 * before the objects in it, which a plain `kubectl apply -f <dir>` (file order) does not.
 */
function kustomization(files: readonly string[]): string {
  const names = files.map((file) => file.slice(PAYMENTS_DIR.length + 1));
  return `# ${HEADER}\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${names.map((name) => `  - ${name}\n`).join('')}`;
}

export function renderEnvironment(env: EnvironmentConfig, images: ImagesFile): Map<string, string> {
  const out = new Map<string, string>();
  const placed = environmentObjects(env, images);
  for (const { file, object } of placed) {
    const path = `${env.outputDir}/${file}`;
    if (!/^[a-z0-9][a-z0-9./-]*\.yaml$/.test(file) || file.includes('..'))
      throw new LayoutError(`file name ${JSON.stringify(file)} must be a lowercase relative .yaml path`);
    if (out.has(path))
      throw new LayoutError(`${path} would hold two objects; give ${object.kind} ${object.metadata.name} its own file`);
    out.set(path, toYaml([object]));
  }
  if (!env.argocd) {
    const appFiles = placed.map((p) => p.file).filter((file) => file.startsWith(`${PAYMENTS_DIR}/`));
    out.set(`${env.outputDir}/${PAYMENTS_DIR}/kustomization.yaml`, kustomization(appFiles));
  }
  return out;
}

/** All environments, paths sorted, so the same inputs always give byte-identical output. */
export function renderManifests(environments: readonly EnvironmentConfig[], images: ImagesFile): Map<string, string> {
  const all = new Map<string, string>();
  for (const env of environments) {
    for (const [path, text] of renderEnvironment(env, images)) {
      if (all.has(path))
        throw new LayoutError(`${path} is rendered by two environments; give "${env.name}" its own outputDir`);
      all.set(path, text);
    }
  }
  return new Map([...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
