// The runtime: the thin shell of the local engine — processes, probes, endpoints, routers,
// the local image registry and persisted state. No blue/green decision lives here: the engine
// (engine/) asks core/ what to do and tells the runtime to do it.
//
// How the engine uses it (everything on loopback; everything started has a stop):
//
//   const registry = new LocalRegistry({ repoDir });                 // .quickship/registry/<tag>/
//   await registry.build({ tag? , commit? });                         // quickship build [--tag T]; default tag git-<sha7>
//   await registry.resolve('…/payments:<tag>');                       // ResolvedImage | ImagePullError | InvalidImageNameError
//   containerArgv(resolved.manifest.config, { command?, args?, workingDir?, env? }, { rootfs: resolved.rootfs });
//                                // {file, args, cwd, env}: Kubernetes command/args over ENTRYPOINT/CMD, node = this Node
//
//   const endpoints = new EndpointTable();                            // the local EndpointSlice, shared by every Service
//   const rs = new ReplicaSet({ rolloutName, podTemplateHash, container, terminationGracePeriodSeconds,
//                               env /* resolved: DATABASE_URL, secrets… */, images: registry, endpoints,
//                               logDir: '.quickship/logs', backoff?, onTransition?, onChange? });
//   rs.scale(n);                 // create / delete instances now (scale-down: not-ready first, then newest)
//   rs.observation();            // ReplicaSetObservation {replicas, readyReplicas, availableReplicas}
//   rs.instances();              // InstanceStatus[] (terminating ones until gone)
//   rs.replace(name);            // delete one instance; a new one replaces it (`restart`)
//   await rs.settled();          // every deleted instance has stopped
//   await rs.shutdown();         // scale(0) + settled (engine exit)
//
//   const active = new ServiceRouter({ name: 'payments-active', endpoints, port: 8080, selector: hash });
//   await active.listen();
//   active.setSelector(newHash); // atomic for new requests; in-flight ones finish where they are
//   active.stats();              // {requests, inFlight, retries, noEndpoints, upstreamErrors, byEndpoint}
//   await active.close();
//
//   const store = new StateStore('.quickship/state');
//   store.saveSoon(() => engineState);  await store.flush();  await store.load(rollout);
//   const plan = await adoptOrReplace(saved.instances);   // {adopt, replaced, gone}
//   rs.adopt(plan.adopt); rs.scale(n);                     // re-adopt, then top up / trim
//
// Semantics and local differences: runtime/README.md.

export { backoffDelaySeconds, KUBERNETES_BACKOFF, LOCAL_BACKOFF, type BackoffPolicy } from './backoff.ts';
export {
  containerArgv,
  ContainerPathError,
  expandReferences,
  NoContainerCommandError,
  type ContainerProcess,
  type ContainerProcessSpec,
} from './command.ts';
export { runBundleStep, type BundleRun } from './bundle.ts';
export { EndpointTable, type Endpoint } from './endpoints.ts';
export { BuildError, ImagePullError, InvalidImageNameError, OutdatedBuildError, TagImmutableError } from './errors.ts';
export { Instance, type InstanceOptions, type PersistedInstance } from './instance.ts';
export { httpGetProbe, ProbeWorker, type ProbeKind, type ProbeOutcome } from './probe.ts';
export {
  defaultTag,
  LocalRegistry,
  type BuildResult,
  type ImageManifest,
  type ImageResolver,
  type LocalRegistryOptions,
  type ResolvedImage,
} from './registry.ts';
export {
  formatTransition,
  ReplicaSet,
  targetHealth,
  type ReplicaSetOptions,
  type TargetHealth,
  type TargetTransition,
} from './replicaset.ts';
export { isIdempotentRequest, mayRetry } from './retry-policy.ts';
export { ServiceRouter, type RouterStats, type ServiceRouterOptions } from './router.ts';
export { scaleDownOrder } from './scale-down.ts';
export { adoptOrReplace, StateFileError, StateStore, type AdoptionPlan, type EngineState } from './state-store.ts';
