// The golden-signal panels the console charts: the very PromQL of the Grafana dashboard
// (packages/manifests dashboardPanels), so the console and Grafana cannot disagree. Loaded on
// demand: the typed manifests pull in kubernetes-models, which only the console needs here.

export interface ConsolePanel {
  readonly title: string;
  readonly unit: string;
  /** PromQL with Grafana's macros left in ($__rate_interval): the page substitutes them per step. */
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
}

/** The panels of the environment rendered to deploy/ (eks: deploy/apps/payments, the one `quickship up` runs). */
export async function consolePanels(): Promise<readonly ConsolePanel[]> {
  const { environments, dashboardPanels } = await import('@quickship/manifests');
  const env = environments.find((e) => e.outputDir === 'deploy') ?? environments[0];
  if (!env) return [];
  return dashboardPanels(env);
}
