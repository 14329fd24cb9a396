// Cluster DNS names of Services (`payments-preview.payments.svc.cluster.local`, `payments-preview.payments`,
// `payments-preview` in its own namespace, with or without a port) rewritten to the loopback port the
// engine serves that Service on, wherever they appear in a URL, an env value or an argument.

/** `ports`: "<service>.<namespace>" → local port. */
export function serviceAddressMapper(
  ports: ReadonlyMap<string, number>,
  defaultNamespace: string,
): (text: string) => string {
  return (text) =>
    text.replace(
      /\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.([a-z0-9]([-a-z0-9]*[a-z0-9])?))?(\.svc(\.cluster\.local)?)?(:\d+)?(?=[/?#\s"']|$)/g,
      (whole, service: string, _a, _dotNs, namespace: string | undefined) => {
        const port = ports.get(`${service}.${namespace ?? defaultNamespace}`);
        return port === undefined ? whole : `127.0.0.1:${port}`;
      },
    );
}
