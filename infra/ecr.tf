resource "aws_ecr_repository" "payments" {
  name = var.ecr_repository_name

  # A tag, once pushed, always names the same image: the Rollout in deploy/ pins tags, and a
  # rollback must get back exactly what ran before.
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
  }
}

data "aws_ecr_lifecycle_policy_document" "payments" {
  rule {
    priority    = 1
    description = "Expire untagged layers left by interrupted pushes"

    selection {
      tag_status   = "untagged"
      count_type   = "sinceImagePushed"
      count_unit   = "days"
      count_number = 14
    }
  }

  # Keep a long history so `quickship undo` and Argo rollbacks always find the previous images.
  rule {
    priority    = 2
    description = "Keep only the most recent images"

    selection {
      tag_status   = "any"
      count_type   = "imageCountMoreThan"
      count_number = var.ecr_keep_image_count
    }
  }
}

resource "aws_ecr_lifecycle_policy" "payments" {
  repository = aws_ecr_repository.payments.name
  policy     = data.aws_ecr_lifecycle_policy_document.payments.json
}
