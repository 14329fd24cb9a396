// Values rendered here that must agree with Terraform (infra/): read from the HCL text, so a
// change on either side fails here instead of in a cluster. Skipped when infra/ is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_ANNOTATIONS } from '../src/argocd/platform.ts';
import { CHARTS, eks, REPO_ROOT } from '../src/index.ts';

const infra = join(REPO_ROOT, 'infra');
const available = existsSync(join(infra, 'main.tf')) && existsSync(join(infra, 'variables.tf'));
const read = (file: string): string => readFileSync(join(infra, file), 'utf8');

/** Terraform's cidrsubnet(prefix, newbits, netnum) for IPv4. */
function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  const [address = '', bits = '0'] = prefix.split('/');
  const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const length = Number(bits) + newbits;
  const value = base + netnum * 2 ** (32 - length);
  return `${[24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')}/${length}`;
}

/** The default of a Terraform variable, when it is a plain string. */
function variableDefault(name: string): string | undefined {
  const block = new RegExp(`variable "${name}" \\{[\\s\\S]*?\\n\\}`).exec(read('variables.tf'))?.[0];
  return block ? /default\s*=\s*"([^"]*)"/.exec(block)?.[1] : undefined;
}

describe.skipIf(!available)('agreement with Terraform (infra/)', () => {
  it('uses the region of var.region', () => {
    expect(eks.aws?.region).toBe(variableDefault('region'));
  });

  it('allows the load balancer from the public subnets and PostgreSQL in the database subnets', () => {
    const main = read('main.tf');
    const vpc = variableDefault('vpc_cidr') ?? '';
    const subnets = (kind: string): string[] => {
      const match = new RegExp(
        `${kind}_subnets\\s*=\\s*\\[for k, _ in local\\.azs : cidrsubnet\\(var\\.vpc_cidr, (\\d+), k \\+ (\\d+)\\)\\]`,
      ).exec(main);
      expect(match, `${kind}_subnets in infra/main.tf`).not.toBeNull();
      return [0, 1, 2].map((k) => cidrsubnet(vpc, Number(match?.[1]), Number(match?.[2]) + k));
    };
    expect(eks.network.loadBalancerCidrs).toEqual(subnets('public'));
    expect(eks.network.databaseCidrs).toEqual(subnets('database'));
  });

  it('reads the AWS secrets Terraform creates, under the prefix External Secrets may read', () => {
    const prefix = variableDefault('app_secrets_prefix') ?? '';
    const secrets = read('secrets.tf');
    for (const key of Object.values(eks.externalSecrets?.remoteKeys ?? {})) {
      expect(key.startsWith(prefix), key).toBe(true);
      expect(secrets).toContain(`"\${var.app_secrets_prefix}${key.slice(prefix.length)}"`);
    }
  });

  it('labels and annotates the cluster Secret with what the platform ApplicationSets select and read', () => {
    const argocd = read('argocd.tf');
    for (const chart of Object.values(CHARTS))
      expect(argocd).toMatch(new RegExp(`\\b${chart.enableLabel}\\s*=\\s*"true"`));
    for (const name of CLUSTER_ANNOTATIONS) expect(argocd).toMatch(new RegExp(`\\b${name}\\s*=`));
  });

  it('bootstraps the same root Application', () => {
    expect(variableDefault('argocd_root_app_name')).toBe('root');
    expect(variableDefault('gitops_root_path')).toBe(`${eks.outputDir}/argocd`);
  });
});
