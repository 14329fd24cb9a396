# Application secrets live under one Secrets Manager prefix, encrypted with their own KMS key, so the
# External Secrets role can be granted exactly "read this prefix, decrypt with this key".
# Terraform creates the secrets empty: their values are put by an operator (README.md, "First
# release"), so no secret value is ever in this code or in the Terraform state.
resource "aws_kms_key" "app_secrets" {
  description             = "${local.name}: application secrets under ${var.app_secrets_prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "app_secrets" {
  name          = "alias/${local.name}-app-secrets"
  target_key_id = aws_kms_key.app_secrets.key_id
}

resource "aws_secretsmanager_secret" "payments_database_url" {
  name                    = "${var.app_secrets_prefix}database-url"
  description             = "DATABASE_URL of the payments service: a postgres URL to the RDS endpoint with sslmode=require"
  kms_key_id              = aws_kms_key.app_secrets.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret" "payments_api_keys" {
  name                    = "${var.app_secrets_prefix}api-keys"
  description             = "PAYMENTS_API_KEYS of the payments service (merchant:key,…)"
  kms_key_id              = aws_kms_key.app_secrets.arn
  recovery_window_in_days = 7
}
