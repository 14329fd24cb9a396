// A local Kubernetes cluster (kind) with Argo Rollouts installed and nothing else from AWS:
// one replica, no zones, no ALB, no External Secrets, no kube-prometheus-stack, no metrics-server.
// The smoke Job remains the pre-promotion analysis. Rendered under deploy/environments/local/.
import { base } from './base.ts';
import { defineEnvironment } from './define.ts';

export const local = defineEnvironment(base, {
  name: 'local',
  outputDir: 'deploy/environments/local',
  rollout: { replicas: 1, zoneSpread: false },
  resources: { requests: { cpu: '100m', memory: '128Mi' } },
  // PostgreSQL runs beside kind, on Docker's bridge networks (172.16.0.0/12).
  network: { databaseCidrs: ['172.16.0.0/12'] },
  settings: { logLevel: 'debug' },
  autoscaling: null,
  monitoring: null,
});
