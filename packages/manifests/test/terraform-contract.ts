// Values rendered here that must agree with Terraform (infra/): read from the HCL text, so a
// change on either side fails here instead of in a cluster. Skipped when infra/ is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret';
import { findBlock, loadTerraformDir, modulesFrom, type TerraformConfig } from '@quickship/infra-policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_ANNOTATIONS } from '../src/argocd/platform.ts';
import { CHARTS, eks, REPO_ROOT } from '../src/index.ts';
import { allObjects, appObjects, ofKind, rendered } from './tree.ts';

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

/** `name = value` assignments at the top level of a .tfvars file (values kept as text). */
function tfvarsKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const match of text.matchAll(/^([A-Za-z_][\w-]*)\s*=\s*(.*)$/gm)) keys.set(match[1] ?? '', match[2] ?? '');
  return keys;
}

describe.skipIf(!available)('agreement with Terraform (infra/)', () => {
  let config: TerraformConfig;
  beforeAll(async () => {
    config = await loadTerraformDir(infra);
  });

  it('uses the region of var.region, in the defaults, the tfvars example and the rendered ClusterSecretStore', () => {
    const example = tfvarsKeys(read('terraform.tfvars.example'));
    expect(eks.aws?.region).toBe(variableDefault('region'));
    expect(example.get('region')).toBe(`"${eks.aws?.region}"`);
    const store = allObjects.find((o) => o.object.kind === 'ClusterSecretStore')?.object as
      { spec: { provider: { aws: { region: string } } } } | undefined;
    expect(store?.spec.provider.aws.region).toBe(eks.aws?.region);
  });

  it('reads the Git URL and the region from files the render produces (one source, not a second copy)', () => {
    const files = readdirSync(infra).filter((f) => f.endsWith('.tf'));
    const read_ = files.flatMap((f) =>
      [...read(f).matchAll(/file\("\$\{path\.module\}\/\.\.\/([^"]+)"\)/g)].map((m) => m[1] ?? ''),
    );
    expect(new Set(read_)).toEqual(new Set(['deploy/argocd/root.yaml', 'deploy/platform/clustersecretstore.yaml']));
    for (const path of read_) expect(rendered.has(path), `${path} is rendered`).toBe(true);
    // No Terraform input repeats what deploy/ says: a second Git URL is what drifted before.
    const variables = read('variables.tf');
    expect(variables).not.toMatch(
      /variable "gitops_repo_url"|variable "gitops_repo_revision"|variable "gitops_root_path"/,
    );
    expect(variables).not.toContain(eks.argocd?.repoURL ?? '<none>');
  });

  it('has a tfvars example that sets only declared variables and every required one', () => {
    const example = tfvarsKeys(read('terraform.tfvars.example'));
    const variables = config.blocks.filter((b) => b.kind === 'variable');
    const declared = new Set(variables.map((v) => v.name));
    for (const key of example.keys()) expect(declared.has(key), `${key} is a variable of infra/`).toBe(true);
    for (const v of variables.filter((b) => b.body['default'] === undefined))
      expect(example.has(v.name), `required variable ${v.name} is in terraform.tfvars.example`).toBe(true);
  });

  it('lets External Secrets read exactly the secrets deploy/ reads, by name', () => {
    const eso = modulesFrom(config, 'terraform-aws-modules/eks-pod-identity/aws').find((m) =>
      JSON.stringify(m.body['policy_statements'] ?? '').includes('secretsmanager:GetSecretValue'),
    );
    expect(eso, 'the External Secrets Pod Identity module').toBeDefined();
    const prefix = variableDefault('app_secrets_prefix') ?? '';
    const granted = JSON.stringify(eso?.body['policy_statements'])
      .match(/aws_secretsmanager_secret\.[\w-]+/g)
      ?.map((address) => {
        const name = findBlock(config, address)?.body['name'];
        return String(name).replace('${var.app_secrets_prefix}', prefix);
      });
    const read_ = ofKind<IExternalSecret>(appObjects(eks), 'ExternalSecret').flatMap(
      (s) => s.spec?.data?.map((d) => d.remoteRef.key) ?? [],
    );
    expect(new Set(granted)).toEqual(new Set(read_));
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

  it('installs Argo CD where the rendered root Application lives', () => {
    expect(variableDefault('argocd_namespace')).toBe(eks.argocd?.namespace);
  });
});
