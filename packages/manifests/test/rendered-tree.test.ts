// The checks on the rendered tree, in one file so the tree is rendered (and every schema
// compiled) once per run. Each module below registers its own describe blocks.
import './schema.ts';
import './policy-workload.ts';
import './policy-network.ts';
import './policy-observability.ts';
import './policy-argocd.ts';
import './local-environment.ts';
import './engine-compat.ts';
import './terraform-contract.ts';
import './crd-schema.ts';
