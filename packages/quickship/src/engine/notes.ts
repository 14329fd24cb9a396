// The local mapping, shown in `quickship status` under the tree: where the engine differs from a
// cluster (ports instead of pod IPs and Service ports, processes instead of images).
import type { DeployState } from './deploy.ts';

export function localNotes(input: {
  readonly services: Readonly<Record<string, string>>;
  readonly deploy: DeployState;
}): string[] {
  const notes: string[] = [];
  for (const [name, url] of Object.entries(input.services)) {
    const service = input.deploy.services.find((s) => s.name === name);
    const clusterPort = service?.ports[0]
      ? ` (port ${service.ports[0].port} in a cluster)`
      : ' (no such Service in deploy/: lint will say so)';
    notes.push(`local: Service ${name} → ${url}${clusterPort}`);
  }
  for (const name of input.deploy.configMaps.keys())
    notes.push(`local: ConfigMap ${name} (deploy/) provides configMapKeyRef values`);
  notes.push(
    "local: secretKeyRef values come from the local secret store (DATABASE_URL = the engine's PostgreSQL, PAYMENTS_API_KEYS, .quickship/secrets.json); PORT and HOST are set per instance",
  );
  notes.push(
    'local: each instance is a process on its own 127.0.0.1 port (a pod IP in a cluster); the image maps to a build in .quickship/registry/<tag>',
  );
  return notes;
}
