// Argo CD's AnalysisRun action (resource_customizations/argoproj.io/AnalysisRun/actions/terminate):
// spec.terminate = true, which Argo Rollouts' analysis controller honours by stopping the run.
import type { KubeObject } from '../../store/object.ts';
import { copyOf, section } from './object-edit.ts';

export function terminate(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  section(copy, 'spec', 'terminate').terminate = true;
  return copy as KubeObject;
}
