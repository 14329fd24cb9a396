// Parses a core/v1 Service into what the local router needs: its selector and ports.
// targetPort defaults to port (core/v1 defaults.go SetDefaults_Service).
import type { ServiceSpec } from '../model.ts';
import { InvalidFieldError, MissingFieldError } from './errors.ts';
import {
  child,
  index,
  optionalArray,
  optionalInt,
  optionalRecord,
  optionalString,
  requiredRecord,
  requiredString,
  stringMap,
  type UnknownRecord,
} from './fields.ts';

export function isService(object: UnknownRecord): boolean {
  return object.kind === 'Service' && object.apiVersion === 'v1';
}

export function parseService(object: UnknownRecord): ServiceSpec {
  const metadata = requiredRecord(object.metadata, 'metadata', 'add metadata.name');
  const name = requiredString(metadata.name, 'metadata.name', 'name the Service');
  const namespace = optionalString(metadata.namespace, 'metadata.namespace') ?? 'default';
  const spec = optionalRecord(object.spec, 'spec') ?? {};
  const portsPath = 'spec.ports';
  const ports = (optionalArray(spec.ports, portsPath) ?? []).map((item, i) => {
    const p = requiredRecord(item, index(portsPath, i), 'add port');
    const portPath = child(index(portsPath, i), 'port');
    const port = optionalInt(p.port, portPath, 1);
    if (port === undefined) throw new MissingFieldError(portPath, 'set the Service port (1-65535)');
    const target = p.targetPort;
    if (target !== undefined && typeof target !== 'number' && typeof target !== 'string') {
      throw new InvalidFieldError(
        child(index(portsPath, i), 'targetPort'),
        target,
        'must be a port number or a named container port',
      );
    }
    const portName = optionalString(p.name, child(index(portsPath, i), 'name'));
    return { ...(portName === undefined ? {} : { name: portName }), port, targetPort: target ?? port };
  });
  return { name, namespace, selector: stringMap(spec.selector, 'spec.selector'), ports };
}
