// @quickship/manifests: typed definitions rendered into deploy/.
export {
  checkDeploy,
  DEPLOY_DIR,
  IMAGES_FILE,
  readImagesFile,
  renderAll,
  REPO_ROOT,
  writeDeploy,
  type DeployDifference,
} from './deploy-fs.ts';
export { environmentObjects, renderEnvironment, renderManifests } from './render.ts';
export { dashboardPanels, RATE_INTERVAL } from './payments/dashboard.ts';
export { environments, eks, local } from './environments/index.ts';
export { defineEnvironment, type Overrides } from './environments/define.ts';
export type { EnvironmentConfig } from './environments/types.ts';
export { paymentsImage, parseImageReference, parseImagesFile, type ImageReference, type ImagesFile } from './images.ts';
export { EnvironmentInvariantError, ImageReferenceError, LayoutError, SchemaValidationError } from './errors.ts';
export { CHARTS, CHECKED_ON } from './argocd/charts.ts';
export type { KubeObject, Placed } from './k8s/object.ts';
