// Resolves a container's env the way the kubelet does, from local stand-ins: `value` as written,
// `configMapKeyRef` from the ConfigMaps found in deploy/, `secretKeyRef` from the local secret
// store. A missing non-optional reference fails the instance like Kubernetes'
// CreateContainerConfigError, with the same wording (pure: no fs here).
import type { EnvVar } from '../model.ts';

export type KeyValues = Readonly<Record<string, string>>;

export interface EnvSources {
  readonly namespace: string;
  readonly configMaps: ReadonlyMap<string, KeyValues>;
  /** Secrets by name (the local store's file), before the built-in stand-ins. */
  readonly secrets: ReadonlyMap<string, KeyValues>;
  /**
   * Values the engine itself provides, by secret key or env var name: DATABASE_URL (the engine's
   * private PostgreSQL) and PAYMENTS_API_KEYS (from the environment or a generated dev key).
   */
  readonly builtIns: KeyValues;
}

export type ResolvedEnv =
  | { readonly ok: true; readonly env: Record<string, string> }
  | { readonly ok: false; readonly reason: 'CreateContainerConfigError'; readonly message: string };

export function resolveEnv(vars: readonly EnvVar[], sources: EnvSources): ResolvedEnv {
  const env: Record<string, string> = {};
  for (const v of vars) {
    if ('value' in v) {
      // $(VAR) references expand against earlier vars, as in the pod spec.
      env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
      continue;
    }
    if ('configMapKeyRef' in v) {
      const { name, key, optional } = v.configMapKeyRef;
      const map = sources.configMaps.get(name);
      const value = map?.[key];
      if (value !== undefined) env[v.name] = value;
      else if (!optional) {
        return fail(
          map
            ? `couldn't find key ${key} in ConfigMap ${sources.namespace}/${name}`
            : `configmap "${name}" not found (add a ConfigMap named ${name} to deploy/)`,
        );
      }
      continue;
    }
    const { name, key, optional } = v.secretKeyRef;
    const value = sources.secrets.get(name)?.[key] ?? sources.builtIns[key] ?? sources.builtIns[v.name];
    if (value !== undefined) env[v.name] = value;
    else if (!optional) {
      return fail(
        `secret "${name}" key ${key} not found in the local secret store (add it to .quickship/secrets.json as {"${name}": {"${key}": "…"}})`,
      );
    }
  }
  return { ok: true, env };
}

function fail(message: string): ResolvedEnv {
  return { ok: false, reason: 'CreateContainerConfigError', message };
}
