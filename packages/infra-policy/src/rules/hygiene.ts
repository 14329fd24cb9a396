// Repository hygiene: typed and described variables, the outputs operators and CI use, and no
// secret values written into the Terraform code.
import { blocksOf, findBlock, isObject, type HclValue } from '../config.ts';
import { expressionText } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';

export const variablesTypedAndDescribed: PolicyRule = {
  id: 'variables-typed-and-described',
  invariant: 'every variable has a type and a description',
  check(config) {
    const out: Violation[] = [];
    for (const variable of blocksOf(config, 'variable')) {
      if (variable.body['type'] === undefined)
        out.push(
          violation(
            this.id,
            variable,
            'has no type.',
            'add type = string / number / bool / list(…) / map(…) / object({…}).',
          ),
        );
      const description = variable.body['description'];
      if (typeof description !== 'string' || description.trim().length < 10)
        out.push(
          violation(
            this.id,
            variable,
            'has no useful description.',
            'add a description saying what it controls and its constraints.',
          ),
        );
    }
    return out;
  },
};

/** Outputs the README's Deploy to AWS steps and CI read. */
export const REQUIRED_OUTPUTS = [
  'vpc_id',
  'cluster_name',
  'cluster_endpoint',
  'configure_kubectl',
  'ecr_repository_url',
  'rds_endpoint',
  'rds_master_user_secret_arn',
  'ci_role_arn',
] as const;

export const outputsPresent: PolicyRule = {
  id: 'outputs-present',
  invariant: `outputs ${REQUIRED_OUTPUTS.join(', ')} exist and every output is described`,
  check(config) {
    const out: Violation[] = [];
    for (const name of REQUIRED_OUTPUTS) {
      if (!findBlock(config, `output.${name}`))
        out.push(
          violation(
            this.id,
            { file: 'outputs.tf', address: `output.${name}` },
            'is missing.',
            `add output "${name}" { description = "…", value = … } to outputs.tf.`,
          ),
        );
    }
    for (const output of blocksOf(config, 'output')) {
      if (typeof output.body['description'] !== 'string')
        out.push(violation(this.id, output, 'has no description.', 'add a description.'));
    }
    return out;
  },
};

/** Argument names that hold secret values; a literal string there is a leaked secret. */
const SECRET_ARGUMENT =
  /(^|_)(password|passwd|secret_string|secret_key|secret_access_key|access_key|api_key|private_key|token|client_secret)(_wo)?$/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/postgres(ql)?:\/\/[^:\s"/]+:[^@\s"$]+@/, 'a database URL with a password'],
];

function literalSecrets(value: HclValue | undefined, path: string, found: string[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => literalSecrets(v, `${path}[${i}]`, found));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (SECRET_ARGUMENT.test(key) && typeof v === 'string' && v !== '' && expressionText(v) === undefined)
        found.push(here);
      literalSecrets(v, here, found);
    }
  }
}

export const noHardcodedSecrets: PolicyRule = {
  id: 'no-hardcoded-secrets',
  invariant: 'no secret value (password, key, token, secret version) is written in the Terraform code',
  check(config) {
    const out: Violation[] = [];
    for (const block of config.blocks) {
      if (block.kind === 'variable') {
        // A variable default is code too: a sensitive variable may not ship a default value.
        if (
          SECRET_ARGUMENT.test(block.name) &&
          typeof block.body['default'] === 'string' &&
          block.body['default'] !== ''
        ) {
          out.push(
            violation(
              this.id,
              block,
              'has a literal default for a secret.',
              'remove the default; pass the value from a secret store at apply time, or let AWS generate it.',
            ),
          );
        }
        continue;
      }
      const found: string[] = [];
      literalSecrets(block.body, '', found);
      for (const path of found)
        out.push(
          violation(
            this.id,
            block,
            `${path} is a literal secret value.`,
            'remove it; let AWS manage it (manage_master_user_password) or put it in Secrets Manager out of band.',
          ),
        );
      if (block.type === 'aws_secretsmanager_secret_version') {
        out.push(
          violation(
            this.id,
            block,
            'writes a secret value through Terraform, so it lands in the state file.',
            'create only the aws_secretsmanager_secret and put the value with `aws secretsmanager put-secret-value`.',
          ),
        );
      }
    }
    for (const file of config.files) {
      for (const [pattern, what] of SECRET_TEXT) {
        if (pattern.test(file.text))
          out.push(
            violation(
              this.id,
              { file: file.path, address: file.path },
              `contains ${what}.`,
              'delete it from the file (and rotate it: it is in Git history).',
            ),
          );
      }
    }
    return out;
  },
};
