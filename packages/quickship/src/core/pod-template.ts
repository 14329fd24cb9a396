// Parses a pod template into what the local engine runs: containers[0] (image, command, args,
// env, ports, httpGet probes, preStop) and terminationGracePeriodSeconds, with Kubernetes'
// defaults (probe periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3,
// initialDelaySeconds 0, httpGet.path "/"; terminationGracePeriodSeconds 30 — core/v1 types.go
// and pkg/apis/core/v1/defaults.go). Everything else in the template is listed as ignored.
import type { ContainerSpec, EnvVar, HttpProbe, IgnoredField, PreStopHook } from '../model.ts';
import { InvalidFieldError, MissingFieldError, NamedPortNotFoundError } from './errors.ts';
import {
  child,
  index,
  isRecord,
  optionalArray,
  optionalBool,
  optionalInt,
  optionalRecord,
  optionalString,
  requiredRecord,
  requiredString,
  stringMap,
} from './fields.ts';
import { ignoreAll, ignoredFields, type SupportRule } from './ignored.ts';

export interface ParsedPodTemplate {
  readonly container: ContainerSpec;
  readonly templateLabels: Readonly<Record<string, string>>;
  readonly terminationGracePeriodSeconds: number;
  readonly ignored: readonly IgnoredField[];
}

type Ports = ContainerSpec['ports'];

export function parsePodTemplate(template: unknown, path: string): ParsedPodTemplate {
  const tpl = requiredRecord(template, path, 'add a pod template (metadata.labels and spec.containers)');
  const metadata = optionalRecord(tpl.metadata, child(path, 'metadata')) ?? {};
  const templateLabels = stringMap(metadata.labels, child(child(path, 'metadata'), 'labels'));
  const specPath = child(path, 'spec');
  const podSpec = requiredRecord(tpl.spec, specPath, 'add spec.containers with at least one container');
  const containersPath = child(specPath, 'containers');
  const containers = optionalArray(podSpec.containers, containersPath);
  if (containers === undefined || containers.length === 0) {
    throw new MissingFieldError(containersPath, 'add at least one container (name and image)');
  }
  const container = parseContainer(containers[0], index(containersPath, 0));
  const terminationGracePeriodSeconds =
    optionalInt(podSpec.terminationGracePeriodSeconds, child(specPath, 'terminationGracePeriodSeconds'), 0) ?? 30;
  return { container, templateLabels, terminationGracePeriodSeconds, ignored: ignoredFields(tpl, templateRule, path) };
}

function parseContainer(value: unknown, path: string): ContainerSpec {
  const c = requiredRecord(value, path, 'add a container with name and image');
  const name = requiredString(c.name, child(path, 'name'), 'name the container');
  const image = requiredString(c.image, child(path, 'image'), 'set the image, e.g. payments:<tag>');
  const ports = parsePorts(c.ports, child(path, 'ports'));
  const command = stringList(c.command, child(path, 'command'));
  const args = stringList(c.args, child(path, 'args'));
  const readinessProbe = parseProbe(c.readinessProbe, child(path, 'readinessProbe'), ports);
  const livenessProbe = parseProbe(c.livenessProbe, child(path, 'livenessProbe'), ports);
  const startupProbe = parseProbe(c.startupProbe, child(path, 'startupProbe'), ports);
  const lifecycle = optionalRecord(c.lifecycle, child(path, 'lifecycle'));
  const preStop =
    lifecycle === undefined
      ? undefined
      : parsePreStop(lifecycle.preStop, child(child(path, 'lifecycle'), 'preStop'), ports);
  return {
    name,
    image,
    ...(command === undefined ? {} : { command }),
    ...(args === undefined ? {} : { args }),
    env: parseEnv(c.env, child(path, 'env')),
    ports,
    ...(readinessProbe === undefined ? {} : { readinessProbe }),
    ...(livenessProbe === undefined ? {} : { livenessProbe }),
    ...(startupProbe === undefined ? {} : { startupProbe }),
    ...(preStop === undefined ? {} : { preStop }),
  };
}

function stringList(value: unknown, path: string): string[] | undefined {
  const list = optionalArray(value, path);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean')
      throw new InvalidFieldError(index(path, i), item, 'must be a string (quote it)');
    throw new InvalidFieldError(index(path, i), item, 'must be a string');
  });
}

function parsePorts(value: unknown, path: string): Ports {
  const list = optionalArray(value, path) ?? [];
  return list.map((item, i) => {
    const p = requiredRecord(item, index(path, i), 'add containerPort');
    const portPath = child(index(path, i), 'containerPort');
    const containerPort = optionalInt(p.containerPort, portPath);
    if (containerPort === undefined) throw new MissingFieldError(portPath, 'set containerPort (1-65535)');
    if (containerPort < 1 || containerPort > 65535)
      throw new InvalidFieldError(portPath, containerPort, 'must be between 1 and 65535, inclusive');
    const name = optionalString(p.name, child(index(path, i), 'name'));
    return name === undefined ? { containerPort } : { name, containerPort };
  });
}

function parseEnv(value: unknown, path: string): EnvVar[] {
  const list = optionalArray(value, path) ?? [];
  const out: EnvVar[] = [];
  list.forEach((item, i) => {
    const itemPath = index(path, i);
    const e = requiredRecord(item, itemPath, 'add name and value');
    const name = requiredString(e.name, child(itemPath, 'name'), 'name the variable');
    const valueFrom = optionalRecord(e.valueFrom, child(itemPath, 'valueFrom'));
    if (valueFrom === undefined) {
      const v = e.value;
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw new InvalidFieldError(child(itemPath, 'value'), v, 'must be a string (quote numbers and booleans)');
      }
      out.push({ name, value: v ?? '' });
      return;
    }
    const fromPath = child(itemPath, 'valueFrom');
    const secret = keyRef(valueFrom.secretKeyRef, child(fromPath, 'secretKeyRef'));
    if (secret !== undefined) out.push({ name, secretKeyRef: secret });
    const configMap = keyRef(valueFrom.configMapKeyRef, child(fromPath, 'configMapKeyRef'));
    if (configMap !== undefined) out.push({ name, configMapKeyRef: configMap });
    // fieldRef/resourceFieldRef are reported by the support rule and not set locally.
  });
  return out;
}

function keyRef(value: unknown, path: string): { name: string; key: string; optional?: boolean } | undefined {
  const ref = optionalRecord(value, path);
  if (ref === undefined) return undefined;
  const name = requiredString(ref.name, child(path, 'name'), 'name the Secret/ConfigMap');
  const key = requiredString(ref.key, child(path, 'key'), 'name the key to read');
  const optional = optionalBool(ref.optional, child(path, 'optional'));
  return optional === undefined ? { name, key } : { name, key, optional };
}

/** A container port as a number, resolving a named port against the container's ports. */
function resolvePort(value: unknown, path: string, ports: Ports): number {
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value < 1 || value > 65535) throw new InvalidFieldError(path, value, 'must be between 1 and 65535, inclusive');
    return value;
  }
  if (typeof value === 'string' && value !== '') {
    const found = ports.find((p) => p.name === value);
    if (found === undefined)
      throw new NamedPortNotFoundError(
        path,
        value,
        ports.flatMap((p) => (p.name === undefined ? [] : [p.name])),
      );
    return found.containerPort;
  }
  if (value === undefined || value === null)
    throw new MissingFieldError(path, 'set the port (a number or a named container port)');
  throw new InvalidFieldError(path, value, 'must be a port number or a named container port');
}

function parseProbe(value: unknown, path: string, ports: Ports): HttpProbe | undefined {
  const probe = optionalRecord(value, path);
  if (probe === undefined) return undefined;
  const httpGet = optionalRecord(probe.httpGet, child(path, 'httpGet'));
  if (httpGet === undefined) return undefined; // exec/tcpSocket/grpc: reported by probeRule
  const int = (key: string, dflt: number, min: number): number =>
    optionalInt(probe[key], child(path, key), min) ?? dflt;
  return {
    path: optionalString(httpGet.path, child(child(path, 'httpGet'), 'path')) || '/',
    port: resolvePort(httpGet.port, child(child(path, 'httpGet'), 'port'), ports),
    initialDelaySeconds: int('initialDelaySeconds', 0, 0),
    periodSeconds: int('periodSeconds', 10, 1),
    timeoutSeconds: int('timeoutSeconds', 1, 1),
    successThreshold: int('successThreshold', 1, 1),
    failureThreshold: int('failureThreshold', 3, 1),
  };
}

/** `sleep N`, `/bin/sleep N` or `sh -c "sleep N"`: the preStop delay most Rollouts use. */
function sleepSeconds(command: readonly string[]): number | undefined {
  const words =
    command.length === 3 && /(^|\/)(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c'
      ? (command[2] ?? '').trim().split(/\s+/)
      : command;
  if (words.length !== 2 || !/(^|\/)sleep$/.test(words[0] ?? '')) return undefined;
  const seconds = Number(words[1]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function parsePreStop(value: unknown, path: string, ports: Ports): PreStopHook | undefined {
  const hook = optionalRecord(value, path);
  if (hook === undefined) return undefined;
  const sleep = optionalRecord(hook.sleep, child(path, 'sleep'));
  if (sleep !== undefined) {
    const seconds = optionalInt(sleep.seconds, child(child(path, 'sleep'), 'seconds'), 0);
    if (seconds === undefined)
      throw new MissingFieldError(child(child(path, 'sleep'), 'seconds'), 'set the number of seconds to sleep');
    return { kind: 'sleep', seconds };
  }
  const exec = optionalRecord(hook.exec, child(path, 'exec'));
  if (exec !== undefined) {
    const command = stringList(exec.command, child(child(path, 'exec'), 'command')) ?? [];
    const seconds = sleepSeconds(command);
    return seconds === undefined ? undefined : { kind: 'sleep', seconds };
  }
  const httpGet = optionalRecord(hook.httpGet, child(path, 'httpGet'));
  if (httpGet !== undefined) {
    return {
      kind: 'httpGet',
      path: optionalString(httpGet.path, child(child(path, 'httpGet'), 'path')) || '/',
      port: resolvePort(httpGet.port, child(child(path, 'httpGet'), 'port'), ports),
    };
  }
  return undefined;
}

// ---- what runs locally (everything else in the template is reported as ignored) ----

const httpGetRule: SupportRule = (value, path) => {
  if (!isRecord(value)) return [];
  const out: IgnoredField[] = [];
  for (const key of Object.keys(value)) {
    if (key === 'path' || key === 'port') continue;
    if (key === 'scheme' && value.scheme === 'HTTP') continue;
    const reason =
      key === 'scheme'
        ? 'not run locally: probes and hooks use plain HTTP on 127.0.0.1'
        : key === 'host'
          ? 'not run locally: probes target 127.0.0.1'
          : 'not run locally yet: headers are not sent';
    out.push({ path: child(path, key), reason });
  }
  return out;
};

const probeRule: SupportRule = (value, path) => {
  if (!isRecord(value)) return [];
  if (!isRecord(value.httpGet)) {
    return [
      {
        path,
        reason:
          'not run locally yet: only httpGet probes run; without one the instance counts as passing this probe once started',
      },
    ];
  }
  return ignoredFields(value, probeFieldsRule, path);
};

const probeFieldsRule: SupportRule = {
  httpGet: httpGetRule,
  initialDelaySeconds: true,
  periodSeconds: true,
  timeoutSeconds: true,
  successThreshold: true,
  failureThreshold: true,
};

const preStopRule: SupportRule = (value, path) => {
  if (!isRecord(value)) return [];
  const out: IgnoredField[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'sleep') continue;
    if (key === 'httpGet') out.push(...httpGetRule(v, child(path, key)));
    else if (
      key === 'exec' &&
      isRecord(v) &&
      Array.isArray(v.command) &&
      sleepSeconds(v.command.map(String)) !== undefined
    )
      continue;
    else
      out.push({
        path: child(path, key),
        reason: 'not run locally yet: only `sleep N` (exec or sleep action) and httpGet preStop hooks run',
      });
  }
  return out;
};

const envItemRule: SupportRule = {
  name: true,
  value: true,
  valueFrom: { secretKeyRef: true, configMapKeyRef: true },
};

const containerRule: SupportRule = {
  name: true,
  image: true,
  command: true,
  args: true,
  env: { '[*]': envItemRule },
  ports: { '[*]': { name: true, containerPort: true, protocol: true } },
  readinessProbe: probeRule,
  livenessProbe: probeRule,
  startupProbe: probeRule,
  lifecycle: { preStop: preStopRule },
};

const templateRule: SupportRule = {
  metadata: { labels: true },
  spec: {
    containers: { '[0]': containerRule, '[*]': ignoreAll('not run locally yet: only containers[0] runs') },
    terminationGracePeriodSeconds: true,
  },
};
