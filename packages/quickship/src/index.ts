// The public surface of @quickship/cli for other workspaces: the Argo-shaped vocabulary and the
// pure core (parsing, lint, blue/green decisions, phase, rendering). Processes and I/O live in
// ./engine and ./api.
export * from './model.ts';
export * from './core/index.ts';
