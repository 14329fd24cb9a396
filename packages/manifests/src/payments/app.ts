// Every object of the payments application and the file it lives in (under apps/payments/).
// Objects that need an add-on the environment lacks are left out here, in one place.
import type { EnvironmentConfig } from '../environments/types.ts';
import type { ImageReference } from '../images.ts';
import type { KubeObject, Placed } from '../k8s/object.ts';
import { prometheusRule } from './alerts.ts';
import { errorRateTemplate, latencyP99Template, smokeTemplate } from './analysis.ts';
import { autoscaler, disruptionBudget } from './availability.ts';
import { configMap, migrateSecret, paymentsSecret } from './config.ts';
import { dashboardConfigMap } from './dashboard.ts';
import { ingress } from './ingress.ts';
import { migrateJob } from './migrate-job.ts';
import { serviceMonitor } from './monitoring.ts';
import { namespace, serviceAccount } from './namespace.ts';
import { defaultDeny, migratePolicy, paymentsPolicy, smokePolicy } from './network-policies.ts';
import { rollout } from './rollout.ts';
import { activeService, metricsService, previewService } from './services.ts';

export const PAYMENTS_DIR = 'apps/payments';

export function paymentsApp(env: EnvironmentConfig, image: ImageReference): Placed[] {
  const files: [string, KubeObject][] = [
    ['namespace.yaml', namespace(env)],
    ['serviceaccount.yaml', serviceAccount(env)],
    ['configmap.yaml', configMap(env)],
    ['rollout.yaml', rollout(env, image)],
    ['service-active.yaml', activeService(env)],
    ['service-preview.yaml', previewService(env)],
    ['service-metrics.yaml', metricsService(env)],
    ['pdb.yaml', disruptionBudget(env)],
    ['networkpolicy-default-deny.yaml', defaultDeny(env)],
    ['networkpolicy-payments.yaml', paymentsPolicy(env)],
    ['networkpolicy-migrate.yaml', migratePolicy(env)],
    ['networkpolicy-smoke.yaml', smokePolicy(env)],
    ['migrate-job.yaml', migrateJob(env, image)],
    ['analysistemplate-smoke.yaml', smokeTemplate(env, image)],
  ];
  if (env.autoscaling) files.push(['hpa.yaml', autoscaler(env, env.autoscaling)]);
  if (env.ingress) files.push(['ingress.yaml', ingress(env, env.ingress)]);
  if (env.externalSecrets) {
    files.push(['externalsecret.yaml', paymentsSecret(env, env.externalSecrets)]);
    files.push(['migrate-externalsecret.yaml', migrateSecret(env, env.externalSecrets)]);
  }
  if (env.monitoring) {
    files.push(['analysistemplate-error-rate.yaml', errorRateTemplate(env, env.monitoring)]);
    files.push(['analysistemplate-latency-p99.yaml', latencyP99Template(env, env.monitoring)]);
    files.push(['servicemonitor.yaml', serviceMonitor(env, env.monitoring)]);
    files.push(['prometheusrule.yaml', prometheusRule(env, env.monitoring)]);
    files.push(['grafana-dashboard.yaml', dashboardConfigMap(env)]);
  }
  return files.map(([file, object]) => ({ file: `${PAYMENTS_DIR}/${file}`, object }));
}
