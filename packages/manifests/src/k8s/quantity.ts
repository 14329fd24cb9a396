// Kubernetes resource quantities, just enough to compare requests with limits
// (k8s.io/apimachinery/pkg/api/resource: decimal SI suffixes and binary Ki/Mi/Gi/Ti).

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A quantity in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value);
  if (!match || match[1] === undefined) return undefined;
  const factor = SUFFIX[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
