# The payments database is reachable only from the EKS nodes (pods use node ENIs with the VPC CNI),
# on 5432. Terraform removes AWS's default allow-all egress from a new security group, and RDS never
# initiates connections, so the group has no egress rule.
resource "aws_security_group" "payments_db" {
  name_prefix = "${local.name}-payments-db-"
  description = "PostgreSQL for the payments service: ingress from the EKS node security group only"
  vpc_id      = module.vpc.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "payments_db_from_nodes" {
  security_group_id            = aws_security_group.payments_db.id
  referenced_security_group_id = module.eks.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from EKS nodes (payments pods and the migration Job)"
}

module "payments_db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 7.2"

  identifier = "${local.name}-payments"

  engine               = "postgres"
  engine_version       = var.db_engine_version
  family               = "postgres${var.db_engine_version}"
  major_engine_version = var.db_engine_version
  instance_class       = var.db_instance_class

  storage_type          = "gp3"
  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_encrypted     = true

  db_name  = "payments"
  username = "payments_admin"
  port     = 5432

  # RDS generates the master password and keeps it (rotated) in Secrets Manager; it never passes
  # through Terraform state. The application uses its own role, see README.md.
  manage_master_user_password = true

  multi_az               = true
  publicly_accessible    = false
  db_subnet_group_name   = module.vpc.database_subnet_group
  vpc_security_group_ids = [aws_security_group.payments_db.id]

  backup_retention_period          = var.db_backup_retention_days
  backup_window                    = "02:00-03:00"
  maintenance_window               = "Sun:03:30-Sun:05:00"
  deletion_protection              = var.db_deletion_protection
  skip_final_snapshot              = false
  final_snapshot_identifier_prefix = "${local.name}-payments-final"

  performance_insights_enabled          = true
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  create_monitoring_role                = true
  monitoring_role_name                  = "${local.name}-payments-db-monitoring"

  enabled_cloudwatch_logs_exports        = ["postgresql", "upgrade"]
  create_cloudwatch_log_group            = true
  cloudwatch_log_group_retention_in_days = var.log_retention_days

  parameters = [
    # TLS only: DATABASE_URL for the payments service carries sslmode=require.
    { name = "rds.force_ssl", value = "1" },
    { name = "log_min_duration_statement", value = "500" },
  ]
}
