// The plugin's patches now live in core (core/verb-patches.ts), where both targets take them from;
// re-exported here for the Kubernetes client's content types and older imports.
export * from '../core/verb-patches.ts';
