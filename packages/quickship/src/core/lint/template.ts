// The pod-template part of Argo's ValidateRolloutSpec: it defaults the template
// (SetObjectDefaults_PodTemplate) and calls k8s ValidatePodTemplateSpecForReplicaSet. We check the
// rules that matter for a Rollout (pkg/apis/apps/validation and pkg/apis/core/validation):
// selector vs labels, restartPolicy Always, no activeDeadlineSeconds, containers with a valid
// unique name and an image, ports, env names, probe handlers and thresholds. Absent fields take
// their defaults and so pass, as they do upstream after defaulting.
import { isRecord, type UnknownRecord } from '../fields.ts';
import {
  duplicate,
  forbidden,
  goNumber,
  goString,
  goStringMap,
  invalid,
  nonNegative,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { selectorMatches, type LabelSelector } from './selector.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** `selector` undefined means labels.Nothing() (no selector, or an invalid one). */
export function validatePodTemplate(
  template: unknown,
  selector: LabelSelector | undefined,
  path: string,
): FieldError[] {
  const tpl: UnknownRecord = isRecord(template) ? template : {};
  const metadata: UnknownRecord = isRecord(tpl.metadata) ? tpl.metadata : {};
  const labels = isRecord(metadata.labels)
    ? Object.fromEntries(Object.entries(metadata.labels).map(([k, v]) => [k, String(v)]))
    : undefined;
  const errors: FieldError[] = [];
  // labels.Nothing() is not Empty(), so a missing selector also fails this check upstream.
  const selectsAll =
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    selector.matchExpressions.length === 0;
  if (!selectsAll && !selectorMatches(selector, labels ?? {})) {
    errors.push(invalid(`${path}.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
  }
  const spec: UnknownRecord = isRecord(tpl.spec) ? tpl.spec : {};
  const specPath = `${path}.spec`;
  errors.push(...validateContainers(spec.containers, `${specPath}.containers`));
  if (typeof spec.terminationGracePeriodSeconds === 'number')
    errors.push(...nonNegative(spec.terminationGracePeriodSeconds, `${specPath}.terminationGracePeriodSeconds`));
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    errors.push(notSupported(`${specPath}.restartPolicy`, goString(String(spec.restartPolicy)), ['Always']));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errors.push(forbidden(`${specPath}.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errors;
}

function validateContainers(value: unknown, path: string): FieldError[] {
  const containers = Array.isArray(value) ? value : [];
  if (containers.length === 0) return [required(path)];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((item, i) => {
    const c: UnknownRecord = isRecord(item) ? item : {};
    const p = `${path}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (name === '') errors.push(required(`${p}.name`));
    else if (!DNS1123_LABEL.test(name) || name.length > 63)
      errors.push(invalid(`${p}.name`, goString(name), DNS1123_LABEL_MSG));
    else if (seen.has(name)) errors.push(duplicate(`${p}.name`, goString(name)));
    seen.add(name);
    if (typeof c.image !== 'string' || c.image.trim() === '') errors.push(required(`${p}.image`));
    errors.push(...validatePorts(c.ports, `${p}.ports`));
    errors.push(...validateEnv(c.env, `${p}.env`));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      errors.push(...validateProbe(c[probe], `${p}.${probe}`, probe !== 'readinessProbe'));
    }
  });
  return errors;
}

function validatePorts(value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  (Array.isArray(value) ? value : []).forEach((item, i) => {
    const port: UnknownRecord = isRecord(item) ? item : {};
    const p = `${path}[${i}]`;
    if (typeof port.name === 'string' && !PORT_NAME.test(port.name)) {
      errors.push(
        invalid(
          `${p}.name`,
          goString(port.name),
          'must be no more than 15 characters, contain only lowercase alphanumerics and -, and contain at least one letter',
        ),
      );
    }
    const containerPort = port.containerPort;
    if (containerPort === undefined || containerPort === 0) errors.push(required(`${p}.containerPort`));
    else if (typeof containerPort !== 'number' || containerPort < 1 || containerPort > 65535) {
      errors.push(
        invalid(`${p}.containerPort`, goNumber(Number(containerPort)), 'must be between 1 and 65535, inclusive'),
      );
    }
    if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(port.protocol))) {
      errors.push(notSupported(`${p}.protocol`, goString(String(port.protocol)), ['SCTP', 'TCP', 'UDP']));
    }
  });
  return errors;
}

function validateEnv(value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  (Array.isArray(value) ? value : []).forEach((item, i) => {
    const env: UnknownRecord = isRecord(item) ? item : {};
    const p = `${path}[${i}]`;
    if (typeof env.name !== 'string' || env.name === '') errors.push(required(`${p}.name`));
    else if (!ENV_NAME.test(env.name)) errors.push(invalid(`${p}.name`, goString(env.name), ENV_NAME_MSG));
  });
  return errors;
}

function validateProbe(value: unknown, path: string, successMustBeOne: boolean): FieldError[] {
  if (!isRecord(value)) return [];
  const errors: FieldError[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => value[h] !== undefined && value[h] !== null);
  if (handlers.length === 0) errors.push(required(path, 'must specify a handler type'));
  for (const extra of handlers.slice(1))
    errors.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  for (const key of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    if (typeof value[key] === 'number') errors.push(...nonNegative(value[key], `${path}.${key}`));
  }
  if (successMustBeOne && typeof value.successThreshold === 'number' && value.successThreshold !== 1) {
    errors.push(invalid(`${path}.successThreshold`, goNumber(value.successThreshold), 'must be 1'));
  }
  if (isRecord(value.httpGet)) {
    const port = value.httpGet.port;
    if (typeof port === 'number' && (port < 1 || port > 65535))
      errors.push(invalid(`${path}.httpGet.port`, goNumber(port), 'must be between 1 and 65535, inclusive'));
    if (typeof port === 'string' && !PORT_NAME.test(port)) {
      errors.push(
        invalid(
          `${path}.httpGet.port`,
          goString(port),
          'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        ),
      );
    }
    if (port === undefined) errors.push(required(`${path}.httpGet.port`));
  }
  return errors;
}
