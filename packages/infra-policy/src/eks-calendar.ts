// Amazon EKS Kubernetes release calendar (dates in UTC, standard support = 14 months after the EKS
// release, extended support = 12 more months). Pure data; the policy reads it at a given date.
//
// Sources, checked 2026-11-27:
// - AWS EKS user guide, "Amazon EKS Kubernetes release calendar"
//   (awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc): 1.29-1.34.
// - endoflife.date/amazon-eks (mirrors the AWS calendar): 1.35 released 2026-01-28, standard
//   support until 2027-03-27, extended until 2028-03-27.
// - 1.36: EKS support announced 2026-06-02 (AWS What's New "Amazon EKS Distro now supports
//   Kubernetes version 1.36", 2026/06, as cited by third-party write-ups); end of standard support
//   2027-08-02 is the 14-month rule applied to that date, not yet read from the AWS table.
// Update this table (and the kubernetes_version validation in infra/variables.tf) when AWS
// publishes a new version or moves a date.

export interface EksVersionSupport {
  readonly version: string;
  readonly eksRelease: string;
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
}

export const EKS_RELEASE_CALENDAR: readonly EksVersionSupport[] = [
  { version: '1.29', eksRelease: '2024-01-23', endOfStandardSupport: '2025-03-23', endOfExtendedSupport: '2026-03-23' },
  { version: '1.30', eksRelease: '2024-05-23', endOfStandardSupport: '2025-07-23', endOfExtendedSupport: '2026-07-23' },
  { version: '1.31', eksRelease: '2024-09-26', endOfStandardSupport: '2025-11-26', endOfExtendedSupport: '2026-11-26' },
  { version: '1.32', eksRelease: '2025-01-23', endOfStandardSupport: '2026-03-23', endOfExtendedSupport: '2027-03-23' },
  { version: '1.33', eksRelease: '2025-05-29', endOfStandardSupport: '2026-07-29', endOfExtendedSupport: '2027-07-29' },
  { version: '1.34', eksRelease: '2025-10-02', endOfStandardSupport: '2026-12-02', endOfExtendedSupport: '2027-12-02' },
  { version: '1.35', eksRelease: '2026-01-28', endOfStandardSupport: '2027-03-27', endOfExtendedSupport: '2028-03-27' },
  { version: '1.36', eksRelease: '2026-06-02', endOfStandardSupport: '2027-08-02', endOfExtendedSupport: '2028-08-02' },
];

export type EksSupportStatus = 'not-yet-released' | 'standard' | 'extended' | 'unsupported' | 'unknown';

function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/** Support status of a Kubernetes minor version on EKS at `asOf` (standard support ends at 00:00 UTC of its end date). */
export function eksSupportStatus(version: string, asOf: Date): EksSupportStatus {
  const entry = EKS_RELEASE_CALENDAR.find((e) => e.version === version);
  if (!entry) return 'unknown';
  const t = asOf.getTime();
  if (t < day(entry.eksRelease)) return 'not-yet-released';
  if (t < day(entry.endOfStandardSupport)) return 'standard';
  if (t < day(entry.endOfExtendedSupport)) return 'extended';
  return 'unsupported';
}

export function versionsInStandardSupport(asOf: Date): string[] {
  return EKS_RELEASE_CALENDAR.filter((e) => eksSupportStatus(e.version, asOf) === 'standard').map((e) => e.version);
}

export function calendarEntry(version: string): EksVersionSupport | undefined {
  return EKS_RELEASE_CALENDAR.find((e) => e.version === version);
}
