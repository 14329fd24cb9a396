// NetworkPolicies: deny everything in the namespace, then allow only what each pod needs.
// Ports are numbers (the container port) so that every policy engine, including the VPC CNI's,
// reads them the same way. Kubelet probes come from the node and are not subject to these.
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { HTTP, LABEL, labels, MIGRATE_POD, SELECTOR, SMOKE_POD } from './names.ts';

type Spec = INetworkPolicy['spec'];
type Egress = NonNullable<NonNullable<Spec>['egress']>[number];

function policy(env: EnvironmentConfig, name: string, spec: Spec): KubeObject {
  return validated(new NetworkPolicy({ metadata: { name, namespace: env.namespace, labels: labels() }, spec }));
}

const namespaceSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const httpPort: INetworkPolicyPort[] = [{ port: HTTP.containerPort, protocol: 'TCP' }];

function dnsEgress(env: EnvironmentConfig): Egress {
  return {
    to: [
      {
        namespaceSelector: namespaceSelector(env.network.dns.namespace),
        podSelector: { matchLabels: { ...env.network.dns.podLabels } },
      },
    ],
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  };
}

function databaseEgress(env: EnvironmentConfig): Egress {
  return {
    to: env.network.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ port: env.network.databasePort, protocol: 'TCP' }],
  };
}

/** Selects every pod of the namespace and allows nothing: each allowance below is explicit. */
export function defaultDeny(env: EnvironmentConfig): KubeObject {
  return policy(env, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/** The service: in from the load balancer, Prometheus and the smoke Job; out to DNS and PostgreSQL. */
export function paymentsPolicy(env: EnvironmentConfig): KubeObject {
  const from = [
    // ALB target-type ip: the load balancer's nodes connect from inside the VPC (health checks too).
    ...(env.ingress ? env.network.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })) : []),
    // kube-prometheus-stack's Prometheus pods: the operator labels them app.kubernetes.io/name=prometheus
    // (prometheus-operator pkg/prometheus/server/operator.go, applicationNameLabelValue).
    ...(env.monitoring
      ? [
          {
            namespaceSelector: namespaceSelector(env.monitoring.namespace),
            podSelector: { matchLabels: { [LABEL.name]: 'prometheus' } },
          },
        ]
      : []),
    { podSelector: { matchLabels: { [LABEL.name]: SMOKE_POD } } },
  ];
  return policy(env, 'payments', {
    podSelector: { matchLabels: { ...SELECTOR } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from, ports: httpPort }],
    egress: [dnsEgress(env), databaseEgress(env)],
  });
}

/** The migration Job: out to DNS and PostgreSQL only. */
export function migratePolicy(env: EnvironmentConfig): KubeObject {
  return policy(env, 'payments-migrate', {
    podSelector: { matchLabels: { [LABEL.name]: MIGRATE_POD } },
    policyTypes: ['Ingress', 'Egress'],
    egress: [dnsEgress(env), databaseEgress(env)],
  });
}

/** The smoke Job: out to DNS and the payments pods (behind payments-preview) only. */
export function smokePolicy(env: EnvironmentConfig): KubeObject {
  return policy(env, 'payments-smoke', {
    podSelector: { matchLabels: { [LABEL.name]: SMOKE_POD } },
    policyTypes: ['Ingress', 'Egress'],
    egress: [dnsEgress(env), { to: [{ podSelector: { matchLabels: { ...SELECTOR } } }], ports: httpPort }],
  });
}
