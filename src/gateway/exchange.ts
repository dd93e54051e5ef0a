/**
 * One request's life in the gateway: who called, which group and path served
 * it, and an AbortSignal that fires when the client goes away before the
 * response is complete, which aborts the provider call (the Router takes the
 * signal) or cancels the durable workflow.
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Caller } from './keys';
import type { GatewayMetrics, ServedPath } from './metrics';

export class Exchange {
  readonly signal: AbortSignal;
  caller: Caller | undefined;
  group = '(none)';
  path: ServedPath | 'none' = 'none';
  errorClass: string | undefined;
  private readonly controller = new AbortController();
  private readonly startedAt = performance.now();

  constructor(
    readonly route: string,
    res: ServerResponse,
    metrics: GatewayMetrics,
  ) {
    this.signal = this.controller.signal;
    metrics.started();
    res.once('close', () => {
      const complete = res.writableFinished;
      if (!complete) this.controller.abort();
      metrics.finished({
        route: this.route,
        group: this.group,
        path: this.path,
        // 499: the client closed the connection before the response was complete.
        status: complete ? res.statusCode : 499,
        seconds: (performance.now() - this.startedAt) / 1000,
        key: this.caller?.name ?? '(unauthenticated)',
        ...(this.errorClass === undefined ? {} : { errorClass: this.errorClass }),
      });
    });
  }
}
