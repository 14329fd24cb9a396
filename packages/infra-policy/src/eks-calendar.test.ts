import { describe, expect, it } from 'vitest';
import { EKS_RELEASE_CALENDAR, eksSupportStatus, versionsInStandardSupport } from './eks-calendar.ts';

describe('EKS release calendar', () => {
  it('on 2026-11-27 puts 1.34-1.36 in standard support and 1.30 out of support', () => {
    const day = new Date('2026-11-27T12:00:00Z');
    expect(versionsInStandardSupport(day)).toEqual(['1.34', '1.35', '1.36']);
    expect(eksSupportStatus('1.33', day)).toBe('extended');
    expect(eksSupportStatus('1.30', day)).toBe('unsupported');
    expect(eksSupportStatus('1.37', day)).toBe('unknown');
  });

  it('switches status at 00:00 UTC of the end date', () => {
    expect(eksSupportStatus('1.34', new Date('2026-12-01T23:59:59Z'))).toBe('standard');
    expect(eksSupportStatus('1.34', new Date('2026-12-02T00:00:00Z'))).toBe('extended');
    expect(eksSupportStatus('1.36', new Date('2026-06-01T00:00:00Z'))).toBe('not-yet-released');
  });

  it('follows the 14 + 12 month rule for every entry', () => {
    for (const entry of EKS_RELEASE_CALENDAR) {
      const months = (a: string, b: string) =>
        (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
      expect(months(entry.eksRelease, entry.endOfStandardSupport), entry.version).toBe(14);
      expect(months(entry.endOfStandardSupport, entry.endOfExtendedSupport), entry.version).toBe(12);
    }
  });
});
