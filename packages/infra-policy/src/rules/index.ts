// Every policy rule, in the order a reader meets the infrastructure.
import type { PolicyRule } from '../violation.ts';
import {
  eksAccessEntries,
  eksAddons,
  eksControlPlaneLogs,
  eksEndpointRestricted,
  eksIrsaOff,
  eksOperatorAccess,
  eksSecretsEncryption,
  eksVersionSupported,
} from './cluster.ts';
import { rdsHardened, rdsOnlyFromNodes } from './database.ts';
import {
  argocdClusterSecret,
  argocdInstalled,
  argocdRootApplication,
  controllersAfterPodIdentity,
  regionMatchesDeploy,
} from './gitops.ts';
import { noHardcodedSecrets, outputsPresent, variablesTypedAndDescribed } from './hygiene.ts';
import {
  ciOidcTrustRestricted,
  ciPushScopedToRepository,
  podIdentityRoles,
  podIdentityTrustScoped,
} from './identity.ts';
import { albReachesPods, nodeGroupsHardened } from './nodes.ts';
import { helmChartsPinned, modulesPinned, providersPinned } from './pins.ts';
import { ecrRepositoryHardened } from './registry.ts';
import { vpcLayout, vpcLoadBalancerTags } from './network.ts';

export const POLICY_RULES: readonly PolicyRule[] = [
  modulesPinned,
  providersPinned,
  helmChartsPinned,
  vpcLayout,
  vpcLoadBalancerTags,
  eksVersionSupported,
  eksEndpointRestricted,
  eksOperatorAccess,
  eksIrsaOff,
  eksSecretsEncryption,
  eksControlPlaneLogs,
  eksAccessEntries,
  eksAddons,
  nodeGroupsHardened,
  albReachesPods,
  ecrRepositoryHardened,
  rdsHardened,
  rdsOnlyFromNodes,
  ciOidcTrustRestricted,
  ciPushScopedToRepository,
  podIdentityRoles,
  podIdentityTrustScoped,
  argocdInstalled,
  argocdRootApplication,
  argocdClusterSecret,
  controllersAfterPodIdentity,
  regionMatchesDeploy,
  variablesTypedAndDescribed,
  outputsPresent,
  noHardcodedSecrets,
];
