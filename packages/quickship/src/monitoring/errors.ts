import { UserError } from '../errors.ts';

/** `quickship alerts` / GET /api/v1/alerts when the engine's Prometheus is not there to ask. */
export class PrometheusNotRunningError extends UserError {
  constructor(message: string) {
    super(
      message,
      'start `npm start` without --no-analysis (Prometheus: `sudo apt-get install -y prometheus`); its log is .quickship/prometheus/prometheus.log',
      'ServiceUnavailable',
    );
  }
}
