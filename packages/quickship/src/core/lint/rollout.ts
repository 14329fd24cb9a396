// Argo's ValidateRollout (pkg/apis/rollouts/validation/validation.go ValidateRolloutSpec and
// ValidateRolloutStrategy*), in upstream order and with upstream messages and field paths —
// including their quirks (`spec.strategy.strategy` for a missing strategy, blue/green checks
// under `spec.strategy.<field>`), so `quickship lint` agrees with `kubectl argo rollouts lint`.
import { isRecord, type UnknownRecord } from '../fields.ts';
import {
  goBool,
  goNumber,
  goRaw,
  goString,
  goStringer,
  internal,
  invalid,
  nonNegative,
  required,
  type FieldError,
} from './field-error.ts';
import { isEmptySelector, readSelector, validateSelector, type LabelSelector } from './selector.ts';
import { validatePodTemplate } from './template.ts';

const MISSING_FIELD = (field: string): string => `Rollout has missing field '${field}'`;

function int(value: unknown, dflt: number): number {
  return typeof value === 'number' ? value : dflt;
}

export function validateRollout(rollout: UnknownRecord): FieldError[] {
  const spec: UnknownRecord = isRecord(rollout.spec) ? rollout.spec : {};
  const errors: FieldError[] = [];
  errors.push(...nonNegative(int(spec.replicas, 1), 'spec.replicas'));
  const selector = readSelector(spec.selector);
  const workloadRef = spec.workloadRef !== undefined && spec.workloadRef !== null;
  if (!workloadRef) {
    if (selector === undefined) errors.push(required('spec.selector', MISSING_FIELD('.spec.selector')));
    else {
      errors.push(...validateSelector(selector, 'spec.selector'));
      if (isEmptySelector(selector))
        errors.push(
          invalid('spec.selector', goRaw(goLabelSelector(selector)), 'empty selector is invalid for deployment'),
        );
    }
  }
  if (workloadRef && !emptyTemplate(spec.template)) {
    errors.push(internal('spec.template', 'template must be empty for workload reference rollout'));
  }
  const selectorValid = selector === undefined || validateSelector(selector, 'spec.selector').length === 0;
  if (!selectorValid) errors.push(invalid('spec.selector', goRaw(goLabelSelector(selector)), 'invalid label selector'));
  else if (!workloadRef) errors.push(...validatePodTemplate(spec.template, selector, 'spec.template'));
  const minReadySeconds = int(spec.minReadySeconds, 0);
  errors.push(...nonNegative(minReadySeconds, 'spec.minReadySeconds'));
  errors.push(...nonNegative(int(spec.revisionHistoryLimit, 10), 'spec.revisionHistoryLimit'));
  const progressDeadlineSeconds = int(spec.progressDeadlineSeconds, 600);
  errors.push(...nonNegative(progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
  if (progressDeadlineSeconds <= minReadySeconds) {
    errors.push(
      invalid(
        'spec.progressDeadlineSeconds',
        goNumber(progressDeadlineSeconds),
        'must be greater than minReadySeconds',
      ),
    );
  }
  errors.push(...validateStrategy(spec, 'spec.strategy'));
  return errors;
}

function emptyTemplate(template: unknown): boolean {
  if (!isRecord(template)) return true;
  const spec = isRecord(template.spec) ? template.spec : {};
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  return Object.keys(spec).length === 0 && Object.keys(metadata).length === 0;
}

/** Go's %#v of a *metav1.LabelSelector (dereferenced by the error printer). */
function goLabelSelector(s: LabelSelector | undefined): string {
  const labels =
    s?.matchLabels === undefined
      ? 'map[string]string(nil)'
      : `map[string]string{${Object.keys(s.matchLabels)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${JSON.stringify(s.matchLabels?.[k])}`)
          .join(', ')}}`;
  const exprs =
    s === undefined || s.matchExpressions.length === 0
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{...}`;
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

function validateStrategy(spec: UnknownRecord, path: string): FieldError[] {
  const strategy: UnknownRecord = isRecord(spec.strategy) ? spec.strategy : {};
  const blueGreen = isRecord(strategy.blueGreen) ? strategy.blueGreen : undefined;
  const canary = isRecord(strategy.canary) ? strategy.canary : undefined;
  if (blueGreen === undefined && canary === undefined) {
    return [required(`${path}.strategy`, MISSING_FIELD('.spec.strategy.canary or .spec.strategy.blueGreen'))];
  }
  if (blueGreen !== undefined && canary !== undefined) {
    return [
      invalid(`${path}.strategy`, goString('blueGreen: true canary: true'), 'Multiple Strategies can not be listed'),
    ];
  }
  if (blueGreen !== undefined) return validateBlueGreen(spec, blueGreen, path);
  return validateCanary(canary ?? {}, path);
}

function validateBlueGreen(spec: UnknownRecord, bg: UnknownRecord, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const active = typeof bg.activeService === 'string' ? bg.activeService : '';
  const preview = typeof bg.previewService === 'string' ? bg.previewService : '';
  if (active === preview) {
    errors.push(
      invalid(
        `${path}.activeService`,
        goString(active),
        'This rollout uses the same service for the active and preview services, but two different services are required.',
      ),
    );
  }
  const revisionHistoryLimit = int(spec.revisionHistoryLimit, 10);
  if (typeof bg.scaleDownDelayRevisionLimit === 'number' && revisionHistoryLimit < bg.scaleDownDelayRevisionLimit) {
    errors.push(
      invalid(
        `${path}.scaleDownDelayRevisionLimit`,
        goNumber(bg.scaleDownDelayRevisionLimit),
        "This rollout's revision history limit can not be smaller than the rollout's scale down limit",
      ),
    );
  }
  errors.push(...validateAntiAffinity(bg.antiAffinity, `${path}.antiAffinity`));
  return errors;
}

function validateAntiAffinity(value: unknown, path: string): FieldError[] {
  if (!isRecord(value)) return [];
  const preferred = isRecord(value.preferredDuringSchedulingIgnoredDuringExecution)
    ? value.preferredDuringSchedulingIgnoredDuringExecution
    : undefined;
  const requiredRule =
    value.requiredDuringSchedulingIgnoredDuringExecution !== undefined &&
    value.requiredDuringSchedulingIgnoredDuringExecution !== null;
  const errors: FieldError[] = [];
  if ((preferred === undefined) === !requiredRule) {
    errors.push(
      invalid(
        path,
        goString(
          `antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: ${preferred !== undefined} antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: ${requiredRule}`,
        ),
        'AntiAffinity must have exactly one strategy listed',
      ),
    );
  }
  const weight = int(preferred?.weight, 0);
  if (preferred !== undefined && (weight < 1 || weight > 100))
    errors.push(invalid(`${path}.weight`, goNumber(weight), 'AntiAffinity weight must be between 1-100'));
  return errors;
}

/** intstr.IntOrString: "25%" is a percent, an int is itself, another string is Atoi'd (0 if not a number). */
function intOrPercent(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^([0-9]+)%$/.exec(value);
    if (m !== null) return Number(m[1]);
    const n = Number.parseInt(value, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function validateCanary(canary: UnknownRecord, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const maxSurge = canary.maxSurge ?? '25';
  const maxUnavailable = canary.maxUnavailable ?? '25';
  if (intOrPercent(maxSurge) === 0 && intOrPercent(maxUnavailable) === 0) {
    errors.push(
      invalid(`${path}.maxSurge`, goStringer(String(maxSurge)), 'MaxSurge and MaxUnavailable both can not be zero'),
    );
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const canaryService = str(canary.canaryService);
  const stableService = str(canary.stableService);
  if (canaryService !== '' && stableService !== '' && canaryService === stableService) {
    errors.push(
      invalid(
        `${path}.stableService`,
        goString(stableService),
        'This rollout uses the same service for the stable and canary services, but two different services are required.',
      ),
    );
  }
  const trafficRouting = isRecord(canary.trafficRouting) ? canary.trafficRouting : undefined;
  const has = (key: string): boolean =>
    trafficRouting !== undefined && trafficRouting[key] !== undefined && trafficRouting[key] !== null;
  const plugins =
    trafficRouting !== undefined && isRecord(trafficRouting.plugins) && Object.keys(trafficRouting.plugins).length > 0;
  const pingPong = isRecord(canary.pingPong) ? canary.pingPong : undefined;
  if (pingPong !== undefined) {
    if (trafficRouting !== undefined && !has('alb') && !has('istio') && !plugins) {
      errors.push(
        invalid(
          `${path}.trafficRouting.alb`,
          goRaw('nil'),
          'Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only',
        ),
      );
    }
    const ping = str(pingPong.pingService);
    const pong = str(pingPong.pongService);
    if (ping === '')
      errors.push(
        invalid(
          `${path}.pingPong.pingService`,
          goString(ping),
          'Ping service and Pong service must to be set to use Ping-Pong feature',
        ),
      );
    if (pong === '')
      errors.push(
        invalid(
          `${path}.pingPong.pongService`,
          goString(pong),
          'Ping service and Pong service must to be set to use Ping-Pong feature',
        ),
      );
    if (ping === pong)
      errors.push(
        invalid(
          `${path}.pingPong.pingService`,
          goString(ping),
          'This rollout uses the same service for the ping and pong services, but two different services are required.',
        ),
      );
  }
  const istio = trafficRouting !== undefined && isRecord(trafficRouting.istio) ? trafficRouting.istio : undefined;
  const requireServices =
    (has('alb') && pingPong === undefined) ||
    (istio !== undefined && istio.destinationRule === undefined && pingPong === undefined) ||
    has('smi') ||
    has('apisix') ||
    has('ambassador') ||
    has('nginx') ||
    has('appMesh') ||
    has('traefik');
  if (requireServices) {
    if (stableService === '')
      errors.push(
        invalid(
          `${path}.stableService`,
          goString(''),
          'Canary service and Stable service must to be set to use Traffic Routing',
        ),
      );
    if (canaryService === '')
      errors.push(
        invalid(
          `${path}.canaryService`,
          goString(''),
          'Canary service and Stable service must to be set to use Traffic Routing',
        ),
      );
  }
  if (trafficRouting === undefined) {
    if (typeof canary.scaleDownDelaySeconds === 'number')
      errors.push(
        invalid(
          `${path}.scaleDownDelaySeconds`,
          goNumber(canary.scaleDownDelaySeconds),
          'Canary scaleDownDelaySeconds can only be used with traffic routing',
        ),
      );
    if (canary.dynamicStableScale === true)
      errors.push(
        invalid(
          `${path}.dynamicStableScale`,
          goBool(true),
          'Canary dynamicStableScale can only be used with traffic routing',
        ),
      );
  } else if (typeof canary.scaleDownDelaySeconds === 'number' && canary.dynamicStableScale === true) {
    errors.push(
      invalid(
        `${path}.dynamicStableScale`,
        goBool(true),
        'Canary dynamicStableScale cannot be used with scaleDownDelaySeconds',
      ),
    );
  }
  const maxWeight = typeof trafficRouting?.maxTrafficWeight === 'number' ? trafficRouting.maxTrafficWeight : 100;
  const steps = Array.isArray(canary.steps) ? canary.steps : [];
  steps.forEach((item, i) =>
    errors.push(
      ...validateCanaryStep(isRecord(item) ? item : {}, `${path}.steps[${i}]`, {
        trafficRouting: trafficRouting !== undefined,
        has,
        plugins,
        maxWeight,
        path,
      }),
    ),
  );
  errors.push(...validateAntiAffinity(canary.antiAffinity, `${path}.antiAffinity`));
  return errors;
}

interface StepContext {
  readonly trafficRouting: boolean;
  readonly has: (key: string) => boolean;
  readonly plugins: boolean;
  readonly maxWeight: number;
  readonly path: string;
}

const STEP_KINDS = [
  'experiment',
  'pause',
  'setWeight',
  'analysis',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
];

function validateCanaryStep(step: UnknownRecord, p: string, ctx: StepContext): FieldError[] {
  const errors: FieldError[] = [];
  const set = (key: string): boolean => step[key] !== undefined && step[key] !== null;
  const oneOf = ['setWeight', 'pause', 'experiment', 'analysis'].filter(set);
  if (oneOf.length > 1) {
    errors.push(
      invalid(
        p,
        goString(
          `step.Experiment: ${set('experiment')} step.Pause: ${set('pause')} step.SetWeight: ${set('setWeight')} step.Analysis: ${set('analysis')}`,
        ),
        'Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause',
      ),
    );
  }
  if (!STEP_KINDS.some(set)) {
    errors.push(
      invalid(
        p,
        goString(STEP_KINDS.map((k) => `step.${k[0]?.toUpperCase()}${k.slice(1)}: true`).join(' ')),
        'Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause',
      ),
    );
  }
  if (typeof step.setWeight === 'number' && (step.setWeight < 0 || step.setWeight > ctx.maxWeight)) {
    errors.push(
      invalid(`${p}.setWeight`, goNumber(step.setWeight), `SetWeight needs to be between 0 and ${ctx.maxWeight}`),
    );
  }
  if (set('setCanaryScale') && !ctx.trafficRouting)
    errors.push(required(`${ctx.path}.trafficRouting`, 'SetCanaryScale requires TrafficRouting to be set'));
  const experiment = isRecord(step.experiment) ? step.experiment : undefined;
  const templates = Array.isArray(experiment?.templates) ? experiment.templates : [];
  templates.forEach((t, j) => {
    if (!isRecord(t) || typeof t.weight !== 'number') return;
    const wp = `${p}.experiment.templates[${j}].weight`;
    if (!ctx.trafficRouting)
      errors.push(
        invalid(wp, goNumber(t.weight), 'Experiment template weight cannot be set unless TrafficRouting is enabled'),
      );
    else if (!ctx.has('alb') && !ctx.has('smi') && !ctx.has('istio') && !ctx.plugins) {
      errors.push(
        invalid(
          wp,
          goNumber(t.weight),
          'Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time',
        ),
      );
    }
  });
  return errors;
}
