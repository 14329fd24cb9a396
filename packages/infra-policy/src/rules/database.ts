// RDS PostgreSQL for payments: Multi-AZ, encrypted, private, managed master password, backups,
// deletion protection, and reachable only from the EKS node security group on 5432.
import { blockList, blocksOf, findBlock, type Block, type HclValue, type TerraformConfig } from '../config.ts';
import { isReferenceTo, mentions, plainReference, resolve } from '../expr.ts';
import { violation, type PolicyRule, type Violation } from '../violation.ts';
import { booleanSetting, describeValue, isViolation, MODULE_SOURCE, singleModule } from './common.ts';

export const MIN_BACKUP_RETENTION_DAYS = 7;
const NODE_SECURITY_GROUP = 'module.eks.node_security_group_id';

function expectBoolean(
  config: TerraformConfig,
  db: Block,
  rule: string,
  key: string,
  expected: boolean,
  why: string,
): Violation[] {
  return booleanSetting(config, db.body[key], expected)
    ? []
    : [
        violation(
          rule,
          db,
          `${key} is ${describeValue(db.body[key])}${db.body[key] === undefined ? '' : ` (resolves to ${describeValue(resolve(config, db.body[key]).value)})`}; ${why}.`,
          `set ${key} = ${expected} (a variable is accepted only if its default is ${expected}).`,
        ),
      ];
}

export const rdsHardened: PolicyRule = {
  id: 'rds-hardened',
  invariant:
    'the payments PostgreSQL is Multi-AZ, encrypted, private, with a managed password, ≥7 days of backups and deletion protection',
  check(config) {
    const db = singleModule(config, this.id, MODULE_SOURCE.rds);
    if (isViolation(db)) return [db];
    const out: Violation[] = [];
    if (db.body['engine'] !== 'postgres')
      out.push(violation(this.id, db, `engine is ${describeValue(db.body['engine'])}.`, 'set engine = "postgres".'));
    out.push(
      ...expectBoolean(
        config,
        db,
        this.id,
        'multi_az',
        true,
        'a single-AZ database is one AZ failure away from a payments outage',
      ),
      ...expectBoolean(config, db, this.id, 'storage_encrypted', true, 'card payment data must be encrypted at rest'),
      ...expectBoolean(config, db, this.id, 'publicly_accessible', false, 'the database must have no public address'),
      ...expectBoolean(
        config,
        db,
        this.id,
        'manage_master_user_password',
        true,
        'RDS must keep the master password in Secrets Manager, out of Terraform state',
      ),
      ...expectBoolean(
        config,
        db,
        this.id,
        'deletion_protection',
        true,
        'one stray destroy must not delete the ledger',
      ),
      ...expectBoolean(config, db, this.id, 'performance_insights_enabled', true, 'slow queries must be diagnosable'),
    );
    for (const key of ['password', 'password_wo', 'master_password_wo']) {
      if (db.body[key] !== undefined)
        out.push(
          violation(
            this.id,
            db,
            `${key} is set: the password would be chosen by Terraform.`,
            `remove ${key}; keep manage_master_user_password = true.`,
          ),
        );
    }
    const retention = resolve(config, db.body['backup_retention_period']);
    if (typeof retention.value !== 'number' || retention.value < MIN_BACKUP_RETENTION_DAYS) {
      out.push(
        violation(
          this.id,
          db,
          `backup_retention_period is ${describeValue(db.body['backup_retention_period'])} (resolves to ${describeValue(retention.value)}).`,
          `keep at least ${MIN_BACKUP_RETENTION_DAYS} days of backups (and validate the variable with >= ${MIN_BACKUP_RETENTION_DAYS}).`,
        ),
      );
    } else if (
      retention.via?.startsWith('var.') &&
      !mentions(findBlock(config, retention.via)?.body['validation'], `>= ${MIN_BACKUP_RETENTION_DAYS}`)
    ) {
      out.push(
        violation(
          this.id,
          findBlock(config, retention.via) ?? db,
          `no validation keeps backup_retention_period at ${MIN_BACKUP_RETENTION_DAYS} days or more.`,
          `add validation { condition = ${retention.via} >= ${MIN_BACKUP_RETENTION_DAYS} && ${retention.via} <= 35 }.`,
        ),
      );
    }
    const subnetGroup = db.body['db_subnet_group_name'];
    if (!isReferenceTo(subnetGroup, 'module.vpc.database_subnet_group')) {
      out.push(
        violation(
          this.id,
          db,
          `db_subnet_group_name is ${describeValue(subnetGroup)}; without it RDS lands in the default VPC.`,
          'set db_subnet_group_name = module.vpc.database_subnet_group.',
        ),
      );
    }
    return out;
  },
};

/** Security groups of the database: `[aws_security_group.x.id, …]`. */
function databaseSecurityGroups(config: TerraformConfig, value: HclValue | undefined): (Block | string)[] {
  const items = Array.isArray(value) ? value : [];
  return items.map((item) => {
    const ref = plainReference(item);
    const match = ref ? /^aws_security_group\.([\w-]+)\.id$/.exec(ref) : null;
    return (match && findBlock(config, `aws_security_group.${match[1]}`)) || describeValue(item);
  });
}

export const rdsOnlyFromNodes: PolicyRule = {
  id: 'rds-only-from-nodes',
  invariant: 'the database security group admits only the EKS node security group, on 5432',
  check(config) {
    const db = singleModule(config, this.id, MODULE_SOURCE.rds);
    if (isViolation(db)) return [db];
    const groups = databaseSecurityGroups(config, db.body['vpc_security_group_ids']);
    const fix = `give the module vpc_security_group_ids = [aws_security_group.payments_db.id] and one aws_vpc_security_group_ingress_rule with referenced_security_group_id = ${NODE_SECURITY_GROUP}, from_port = to_port = 5432.`;
    if (groups.length === 0)
      return [
        violation(this.id, db, 'vpc_security_group_ids is empty: RDS would use the VPC default security group.', fix),
      ];
    const out: Violation[] = [];
    for (const group of groups) {
      if (typeof group === 'string') {
        out.push(
          violation(
            this.id,
            db,
            `security group ${group} is not an aws_security_group of this configuration, so its rules cannot be checked.`,
            fix,
          ),
        );
        continue;
      }
      if (blockList(group.body, 'ingress').length > 0) {
        out.push(
          violation(
            this.id,
            group,
            'has inline ingress blocks.',
            'move ingress into aws_vpc_security_group_ingress_rule resources sourced from the node security group.',
          ),
        );
      }
      const target = `${group.address}.id`;
      const ingress = [
        ...blocksOf(config, 'resource', 'aws_vpc_security_group_ingress_rule').filter((r) =>
          isReferenceTo(r.body['security_group_id'], target),
        ),
        ...blocksOf(config, 'resource', 'aws_security_group_rule').filter(
          (r) => r.body['type'] === 'ingress' && isReferenceTo(r.body['security_group_id'], target),
        ),
      ];
      if (ingress.length === 0)
        out.push(violation(this.id, group, 'no ingress rule: the payments pods could not connect.', fix));
      for (const rule of ingress) {
        const source = rule.body['referenced_security_group_id'] ?? rule.body['source_security_group_id'];
        const open = [
          'cidr_ipv4',
          'cidr_ipv6',
          'cidr_blocks',
          'ipv6_cidr_blocks',
          'prefix_list_id',
          'prefix_list_ids',
        ].filter((k) => rule.body[k] !== undefined);
        if (!isReferenceTo(source, NODE_SECURITY_GROUP) || open.length > 0) {
          out.push(
            violation(
              this.id,
              rule,
              `admits ${open.length > 0 ? open.join('/') : describeValue(source)}, not only the EKS node security group.`,
              fix,
            ),
          );
        }
        if (rule.body['from_port'] !== 5432 || rule.body['to_port'] !== 5432) {
          out.push(
            violation(
              this.id,
              rule,
              `opens ports ${describeValue(rule.body['from_port'])}-${describeValue(rule.body['to_port'])}, not just 5432.`,
              'set from_port = 5432 and to_port = 5432.',
            ),
          );
        }
      }
    }
    return out;
  },
};
