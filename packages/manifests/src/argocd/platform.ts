// Platform add-ons as ApplicationSets over the cluster generator: Terraform's Argo CD bootstrap
// registers the cluster with a Secret whose labels switch add-ons on (enable_<addon>: "true")
// and whose annotations carry what only Terraform knows (aws_cluster_name, aws_region,
// aws_vpc_id) — the GitOps bridge pattern. Each generates one pinned-chart Application.
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { ArgoCdConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels } from '../payments/names.ts';
import { CHARTS, type PinnedChart } from './charts.ts';
import { PROJECTS } from './projects.ts';
import { automatedSync, RESOURCES_FINALIZER, SERVER_SIDE_DIFF } from './sync.ts';

/** Cluster Secret annotations the templates read (Go templates, missingkey=error). */
export const CLUSTER_ANNOTATIONS = ['aws_cluster_name', 'aws_region', 'aws_vpc_id'] as const;
const annotation = (name: (typeof CLUSTER_ANNOTATIONS)[number]): string => `{{.metadata.annotations.${name}}}`;

function addon(argocd: ArgoCdConfig, chart: PinnedChart, values: Record<string, unknown>): KubeObject {
  return validated(
    new ApplicationSet({
      metadata: {
        name: chart.name,
        namespace: argocd.namespace,
        labels: labels('argocd'),
        annotations: { [ARGOCD.syncWave]: '-5' },
      },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ clusters: { selector: { matchLabels: { [chart.enableLabel]: 'true' } } } }],
        // Deleting the ApplicationSet must not uninstall the platform underneath payments.
        syncPolicy: { preserveResourcesOnDeletion: true },
        template: {
          metadata: {
            name: chart.name,
            labels: labels('argocd'),
            annotations: { ...SERVER_SIDE_DIFF },
            finalizers: [RESOURCES_FINALIZER],
          },
          spec: {
            project: PROJECTS.platform,
            source: {
              repoURL: chart.repoURL,
              chart: chart.chart,
              targetRevision: chart.version,
              helm: { releaseName: chart.name, valuesObject: values },
            },
            destination: { server: '{{.server}}', namespace: chart.namespace },
            // CRDs of these charts exceed the client-side apply annotation limit: server-side apply.
            syncPolicy: automatedSync(['CreateNamespace=true', 'ServerSideApply=true']),
          },
        },
      },
    }),
  );
}

/**
 * Argo Rollouts. `--aws-verify-target-group`: after switching the active Service the controller
 * checks, through the AWS API, that the ALB target group holds exactly the new pods before
 * post-promotion analysis and before scaling the old ReplicaSet down (docs/features/
 * traffic-management/alb.md). The controller needs an AWS region and elasticloadbalancing:Describe*
 * (Pod Identity role from Terraform). The docs mention an `--aws-region` flag, but the v1.9.0
 * controller defines none (cmd/rollouts-controller/main.go) and reads the region from the AWS SDK
 * default chain, so it is set as AWS_REGION (IMDS is unreachable with hop limit 1).
 */
export function argoRolloutsAddon(argocd: ArgoCdConfig): KubeObject {
  return addon(argocd, CHARTS.argoRollouts, {
    installCRDs: true,
    controller: {
      replicas: 2,
      extraArgs: ['--aws-verify-target-group'],
      extraEnv: [{ name: 'AWS_REGION', value: annotation('aws_region') }],
    },
    dashboard: { enabled: false },
  });
}

/**
 * kube-prometheus-stack. fullnameOverride fixes the Prometheus Service name the AnalysisTemplates
 * use; the *NilUsesHelmValues flags make Prometheus select ServiceMonitors and rules in every
 * namespace (not only those labelled release=…); the Grafana sidecar loads dashboards labelled
 * grafana_dashboard: "1" from all namespaces.
 */
export function kubePrometheusStackAddon(argocd: ArgoCdConfig): KubeObject {
  return addon(argocd, CHARTS.kubePrometheusStack, {
    fullnameOverride: 'kube-prometheus-stack',
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        retention: '15d',
      },
    },
    grafana: {
      sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
    },
  });
}

/**
 * AWS Load Balancer Controller. clusterName, region and vpcId are required: with IMDSv2 hop
 * limit 1 the pods cannot discover them from instance metadata.
 */
export function awsLoadBalancerControllerAddon(argocd: ArgoCdConfig): KubeObject {
  return addon(argocd, CHARTS.awsLoadBalancerController, {
    clusterName: annotation('aws_cluster_name'),
    region: annotation('aws_region'),
    vpcId: annotation('aws_vpc_id'),
    // Pod Identity association (Terraform) binds the IAM role to this ServiceAccount.
    serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
  });
}

/** External Secrets Operator; credentials through EKS Pod Identity on its ServiceAccount. */
export function externalSecretsAddon(argocd: ArgoCdConfig): KubeObject {
  return addon(argocd, CHARTS.externalSecrets, {
    installCRDs: true,
    serviceAccount: { create: true, name: 'external-secrets' },
  });
}

/**
 * metrics-server: the resource metrics API (metrics.k8s.io) the HorizontalPodAutoscaler reads CPU
 * from. EKS does not run it by default; without it the HPA reports FailedGetResourceMetric and
 * never scales. Two replicas and a PDB so autoscaling survives a node drain. Its container port
 * stays the chart's 10250, which the EKS module's node security group already opens to the
 * control plane (the kubelet port), so the API server reaches it without another rule.
 */
export function metricsServerAddon(argocd: ArgoCdConfig): KubeObject {
  return addon(argocd, CHARTS.metricsServer, {
    replicas: 2,
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
  });
}
