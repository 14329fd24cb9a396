// Every environment the render writes, in output order.
import { eks } from './eks.ts';
import { local } from './local.ts';
import type { EnvironmentConfig } from './types.ts';

export const environments: readonly EnvironmentConfig[] = [eks, local];
export { eks, local };
