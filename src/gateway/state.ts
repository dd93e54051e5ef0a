import { routesModel } from '../core/model-names';
import type { LoadedRouterConfig } from '../config';
import { noGroup } from '../config/references';
import type { Router } from '../router';
import type { Backend } from './backend';
import { GatewayError, invalidRequest } from './gateway-error';
import type { GatewayKeys } from './keys';
import type { GatewayMetrics } from './metrics';

/** The request header that asks for (or, with `false`, declines) the durable path for one request. */
export const DURABLE_HEADER = 'x-llm-router-durable';

/** What every route reads; built once by createGateway. */
export interface GatewayState {
  readonly config: LoadedRouterConfig;
  readonly router: Router;
  readonly groups: ReadonlySet<string>;
  readonly keys: GatewayKeys;
  readonly metrics: GatewayMetrics;
  readonly inProcess: Backend;
  readonly durable: Backend | undefined;
  readonly durableGroups: ReadonlySet<string>;
  /** Resolves when Temporal answers (durable path only). */
  readonly durableReady: (() => Promise<void>) | undefined;
  /** Shared health of the in-process Router, when it has one (readiness shows it). */
  readonly sharedHealth: { routerName: string; available(): boolean } | undefined;
  readonly now: () => number;
  /** Unix seconds the gateway started: the `created` of every listed model. */
  readonly startedAt: number;
  /** Set when shutdown begins: readiness fails and new requests get a 503. */
  draining: boolean;
}

function parseFlag(value: string | string[] | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw invalidRequest(DURABLE_HEADER, `expected true or false, got "${String(value)}"`);
}

/** The group must exist; a typo is a 400 naming the field and listing the groups the caller may use (never others). */
export function checkGroup(state: GatewayState, group: string, allowed: ReadonlySet<string> | undefined): void {
  if (state.groups.has(group) || routesModel(state.config.routing, group)) return;
  const visible = allowed === undefined ? state.groups : new Set([...state.groups].filter((g) => allowed.has(g)));
  throw invalidRequest('model', noGroup(group, visible));
}

/** The header wins; otherwise `gateway_settings.durable_groups` decides. */
export function backendFor(state: GatewayState, group: string, headers: Readonly<Record<string, string | string[] | undefined>>): Backend {
  const asked = parseFlag(headers[DURABLE_HEADER]);
  const durable = asked ?? state.durableGroups.has(group);
  if (!durable) return state.inProcess;
  if (state.durable === undefined) {
    throw new GatewayError(400, 'durable_unavailable', `${DURABLE_HEADER}: this gateway runs without Temporal; start it with "llm-router serve --temporal" to serve durable requests`, { param: DURABLE_HEADER });
  }
  return state.durable;
}
