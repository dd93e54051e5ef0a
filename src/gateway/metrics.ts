/**
 * Prometheus metrics for `/metrics`: requests and errors the gateway answered,
 * and, from the Router's events, provider calls, errors by class, latency per
 * deployment, cooldowns and fallbacks. Each gateway has its own registry, so
 * two gateways in one process (tests, benchmarks) never mix their counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Router } from '../router';
import type { GatewayKeys } from './keys';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** How a request was served: the in-process Router, or a durable routedCompletion workflow. */
export type ServedPath = 'in-process' | 'durable';

export interface RequestRecord {
  route: string;
  group: string;
  path: ServedPath | 'none';
  status: number;
  seconds: number;
  key: string;
  errorClass?: string;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'model_group' | 'path' | 'status' | 'key'>;
  private readonly requestSeconds: Histogram<'route' | 'path'>;
  private readonly errors: Counter<'error_class' | 'status'>;
  private readonly inFlight: Gauge;
  private readonly calls: Counter<'deployment' | 'model_group' | 'outcome'>;
  private readonly providerErrors: Counter<'deployment' | 'error_class'>;
  private readonly providerSeconds: Histogram<'deployment' | 'outcome'>;
  private readonly cooldowns: Counter<'deployment' | 'error_class' | 'rule'>;
  private readonly fallbacks: Counter<'from' | 'to'>;
  /** The routers whose state the cooling gauge reads at scrape time (one, in a gateway). */
  private readonly routers = new Set<Router>();

  constructor(keys: GatewayKeys, now: () => number = Date.now, defaultMetrics = true) {
    const registers = [this.registry];
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'llm_router_gateway_process_' });
    this.requests = new Counter({ name: 'llm_router_gateway_requests_total', help: 'Requests answered, by route, model group, serving path, HTTP status and gateway key name', labelNames: ['route', 'model_group', 'path', 'status', 'key'], registers });
    this.requestSeconds = new Histogram({ name: 'llm_router_gateway_request_duration_seconds', help: 'Time from request to the end of the response (streams included)', labelNames: ['route', 'path'], buckets: SECONDS_BUCKETS, registers });
    this.errors = new Counter({ name: 'llm_router_gateway_errors_total', help: 'Error responses, by error class (FallbacksExhaustedError, GatewayError, a provider class...) and status', labelNames: ['error_class', 'status'], registers });
    this.inFlight = new Gauge({ name: 'llm_router_gateway_in_flight_requests', help: 'Requests being served now', registers });
    this.calls = new Counter({ name: 'llm_router_provider_calls_total', help: 'Provider calls made by the in-process router, by deployment and outcome', labelNames: ['deployment', 'model_group', 'outcome'], registers });
    this.providerErrors = new Counter({ name: 'llm_router_provider_errors_total', help: 'Failed provider calls by deployment and error class', labelNames: ['deployment', 'error_class'], registers });
    this.providerSeconds = new Histogram({ name: 'llm_router_provider_call_duration_seconds', help: 'Provider call latency per deployment', labelNames: ['deployment', 'outcome'], buckets: SECONDS_BUCKETS, registers });
    this.cooldowns = new Counter({ name: 'llm_router_cooldowns_total', help: 'Cooldowns started or extended, by deployment, error class and rule', labelNames: ['deployment', 'error_class', 'rule'], registers });
    this.fallbacks = new Counter({ name: 'llm_router_fallbacks_total', help: 'Requests moved from one model group to a fallback group', labelNames: ['from', 'to'], registers });
    const routers = this.routers;
    new Gauge({
      name: 'llm_router_deployment_cooling_down',
      help: '1 while a deployment is cooling down (as this replica knows: its own cooldowns and, with shared health, the fleet\'s), else 0',
      labelNames: ['deployment'],
      registers,
      collect() {
        // Read from the routing state when scraped: a cooldown learned from the shared health has no event here.
        const t = now();
        for (const router of routers) {
          for (const [deployment, ds] of Object.entries(router.getState().deployments)) this.set({ deployment }, ds.cooldownUntil > t ? 1 : 0);
        }
      },
    });
    const spendGauge = new Gauge({
      name: 'llm_router_gateway_key_spend_usd',
      help: 'Cost served this calendar month (UTC) per gateway key with a monthly budget, on this replica',
      labelNames: ['key'],
      registers,
      collect() {
        for (const s of keys.spend(now())) spendGauge.set({ key: s.name }, s.spentUsd);
      },
    });
  }

  /** Listens to the router's events; returns the unsubscribe function. */
  attach(router: Router): () => void {
    this.routers.add(router);
    const offs = [
      router.on('success', (e) => {
        this.calls.inc({ deployment: e.deploymentId, model_group: e.group, outcome: 'success' });
        this.providerSeconds.observe({ deployment: e.deploymentId, outcome: 'success' }, e.latencyMs / 1000);
      }),
      router.on('failure', (e) => {
        this.calls.inc({ deployment: e.deploymentId, model_group: e.group, outcome: 'failure' });
        this.providerErrors.inc({ deployment: e.deploymentId, error_class: e.error.name });
        this.providerSeconds.observe({ deployment: e.deploymentId, outcome: 'failure' }, e.latencyMs / 1000);
      }),
      router.on('cooldown', (e) => {
        this.cooldowns.inc({ deployment: e.deploymentId, error_class: e.reason.errorClass, rule: e.reason.rule });
      }),
      router.on('fallback', (e) => this.fallbacks.inc({ from: e.from, to: e.to })),
    ];
    return () => {
      offs.forEach((off) => off());
      this.routers.delete(router);
    };
  }

  started(): void {
    this.inFlight.inc();
  }

  finished(r: RequestRecord): void {
    this.inFlight.dec();
    this.requests.inc({ route: r.route, model_group: r.group, path: r.path, status: String(r.status), key: r.key });
    this.requestSeconds.observe({ route: r.route, path: r.path }, r.seconds);
    if (r.status >= 400) this.errors.inc({ error_class: r.errorClass ?? 'HTTPError', status: String(r.status) });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
