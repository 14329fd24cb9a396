// Versions are pinned: registry modules and providers with `~>` on the major version we checked,
// Helm charts to one exact version.
import { blockList, blocksOf, isObject, type Block, type HclObject, type HclValue } from '../config.ts';
import { resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';

/** Majors whose inputs were read from the upstream variables.tf (see infra/README.md, Versions). */
export const EXPECTED_MODULE_MAJORS: Readonly<Record<string, number>> = {
  'terraform-aws-modules/vpc/aws': 6,
  'terraform-aws-modules/eks/aws': 21,
  'terraform-aws-modules/rds/aws': 7,
  'terraform-aws-modules/eks-pod-identity/aws': 2,
};

export const EXPECTED_PROVIDER_MAJORS: Readonly<Record<string, number>> = {
  aws: 6,
  helm: 3,
  kubernetes: 3,
};

const PESSIMISTIC = /^~>\s*(\d+)\.(\d+)(\.\d+)?$/;
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;

function pinnedMajor(version: HclValue | undefined): number | undefined {
  const match = typeof version === 'string' ? PESSIMISTIC.exec(version.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

export const modulesPinned: PolicyRule = {
  id: 'modules-pinned',
  invariant: 'registry modules come from terraform-aws-modules with a ~> constraint on the checked major',
  check(config) {
    const out: Violation[] = [];
    const modules = blocksOf(config, 'module');
    for (const m of modules) {
      const source = m.body['source'];
      const expected = typeof source === 'string' ? EXPECTED_MODULE_MAJORS[source] : undefined;
      if (expected === undefined) {
        out.push(
          violation(
            this.id,
            m,
            `source ${JSON.stringify(source)} is not one of the reviewed registry modules.`,
            `use one of ${Object.keys(EXPECTED_MODULE_MAJORS).join(', ')}, or review the new module and add it to EXPECTED_MODULE_MAJORS in packages/infra-policy/src/rules/pins.ts.`,
          ),
        );
        continue;
      }
      const major = pinnedMajor(m.body['version']);
      if (major !== expected) {
        out.push(
          violation(
            this.id,
            m,
            `version ${JSON.stringify(m.body['version'] ?? null)} is not pinned as "~> ${expected}.x".`,
            `set version = "~> ${expected}.<minor>" (the major whose inputs infra/ was written against).`,
          ),
        );
      }
    }
    for (const [source, major] of Object.entries(EXPECTED_MODULE_MAJORS)) {
      if (!modules.some((m) => m.body['source'] === source)) {
        out.push(
          violation(
            this.id,
            { file: 'infra/', address: source },
            'the module is not used.',
            `add a module block with source = "${source}" and version = "~> ${major}.<minor>".`,
          ),
        );
      }
    }
    return out;
  },
};

function requiredProviders(block: Block): HclObject {
  const merged: HclObject = {};
  for (const group of blockList(block.body, 'required_providers')) Object.assign(merged, group);
  return merged;
}

export const providersPinned: PolicyRule = {
  id: 'providers-pinned',
  invariant: 'terraform and the aws/helm/kubernetes providers are version-pinned in versions.tf',
  check(config) {
    const out: Violation[] = [];
    const terraformBlocks = blocksOf(config, 'terraform');
    const where = terraformBlocks[0] ?? { file: 'versions.tf', address: 'terraform' };
    if (!terraformBlocks.some((b) => typeof b.body['required_version'] === 'string')) {
      out.push(
        violation(
          this.id,
          where,
          'required_version is missing.',
          'set terraform { required_version = ">= 1.11.1, < 2.0.0" } (rds v7 needs 1.11.1).',
        ),
      );
    }
    const providers: HclObject = Object.assign({}, ...terraformBlocks.map(requiredProviders));
    for (const [name, major] of Object.entries(EXPECTED_PROVIDER_MAJORS)) {
      const spec = providers[name];
      if (!isObject(spec)) {
        out.push(
          violation(
            this.id,
            where,
            `required_providers has no "${name}".`,
            `add ${name} = { source = "hashicorp/${name}", version = "~> ${major}.<minor>" }.`,
          ),
        );
      } else if (spec['source'] !== `hashicorp/${name}` || pinnedMajor(spec['version']) !== major) {
        out.push(
          violation(
            this.id,
            where,
            `provider "${name}" is ${JSON.stringify(spec)}.`,
            `pin it as { source = "hashicorp/${name}", version = "~> ${major}.<minor>" }.`,
          ),
        );
      }
    }
    for (const [name, spec] of Object.entries(providers)) {
      if (!(name in EXPECTED_PROVIDER_MAJORS) && (!isObject(spec) || pinnedMajor(spec['version']) === undefined)) {
        out.push(
          violation(
            this.id,
            where,
            `provider "${name}" has no ~> version constraint.`,
            'give it version = "~> <major>.<minor>".',
          ),
        );
      }
    }
    return out;
  },
};

export const helmChartsPinned: PolicyRule = {
  id: 'helm-charts-pinned',
  invariant: 'every helm_release names its repository and one exact chart version',
  check(config) {
    const out: Violation[] = [];
    for (const release of blocksOf(config, 'resource', 'helm_release')) {
      const version = resolve(config, release.body['version']).value;
      if (typeof version !== 'string' || !EXACT_SEMVER.test(version)) {
        out.push(
          violation(
            this.id,
            release,
            `chart version ${JSON.stringify(version ?? null)} is not one exact version.`,
            'set version (or its variable default) to an exact chart version such as 10.1.1.',
          ),
        );
      }
      const repository = release.body['repository'];
      if (typeof resolve(config, repository).value !== 'string') {
        out.push(
          violation(
            this.id,
            release,
            'repository is missing.',
            'set repository to the chart repository URL (https://argoproj.github.io/argo-helm).',
          ),
        );
      }
    }
    return out;
  },
};
