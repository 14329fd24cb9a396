// The public entry: an ALB from the AWS Load Balancer Controller, registering pod IPs
// (target-type ip) of the active Service, exposing only the /v1 API — never /metrics or the
// probes. Annotations: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { EnvironmentConfig, IngressConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { HTTP, labels, NAMES } from './names.ts';

/** The only path prefix the load balancer forwards. */
export const PUBLIC_PATH = '/v1';

export function ingress(env: EnvironmentConfig, config: IngressConfig): KubeObject {
  return validated(
    new Ingress({
      metadata: {
        name: NAMES.ingress,
        namespace: env.namespace,
        labels: labels(),
        annotations: {
          'alb.ingress.kubernetes.io/scheme': config.scheme,
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
          'alb.ingress.kubernetes.io/ssl-redirect': '443',
          'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
          // Target health is the pod's readiness, checked by the ALB on the pod port.
          'alb.ingress.kubernetes.io/healthcheck-path': '/readyz',
          'alb.ingress.kubernetes.io/healthcheck-port': 'traffic-port',
          'alb.ingress.kubernetes.io/success-codes': '200',
          'alb.ingress.kubernetes.io/target-group-attributes': `deregistration_delay.timeout_seconds=${config.deregistrationDelaySeconds}`,
        },
      },
      spec: {
        ingressClassName: 'alb',
        // No certificate-arn: the controller discovers the ACM certificate for these hosts.
        tls: [{ hosts: [config.host] }],
        rules: [
          {
            host: config.host,
            http: {
              paths: [
                {
                  path: PUBLIC_PATH,
                  pathType: 'Prefix',
                  backend: { service: { name: NAMES.activeService, port: { name: HTTP.name } } },
                },
              ],
            },
          },
        ],
      },
    }),
  );
}
