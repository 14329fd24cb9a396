// Timestamps as Kubernetes writes them (metav1.Time): RFC 3339, UTC, whole seconds.
export function rfc3339(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
