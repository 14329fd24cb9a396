// Adapts the objects read from the cluster to the pure tree builder (core/view-from-kube.ts).
import type { KubeViewBuilder } from './target.ts';

export const viewFromKubeObjects: KubeViewBuilder = () => {
  throw new Error('core/view-from-kube.ts has not landed yet');
};
