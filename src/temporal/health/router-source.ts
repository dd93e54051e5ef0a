// The routerHealth entity as an in-process Router's shared health: the
// process's HealthAgent polls the entity's snapshot (a query, no history) and
// ships this router's outcomes (failures at once, successes batched), so a
// gateway replica, a worker's hops and every other replica of the same
// router name see one set of cooldowns.
//
// A timer poll alone would leave another replica's failures up to one poll
// interval late, long enough for a busy replica to call a dead deployment
// many times. So while the view shows a deployment that failed somewhere and
// is not cooling yet (a suspect: the fleet is deciding about it), each pick
// first reads the entity once more (one query round trip, shared by every
// request waiting at that moment). A healthy fleet shows no suspect and costs
// nothing per request; a cooled deployment needs no read either.
import { sharedView, type SharedHealthView } from '../../core/shared-state';
import type { RouterState } from '../../core/types';
import type { SharedHealthSource } from '../../router/shared-health';
import type { HealthAgent } from './agent';

/** A read made because of a suspect waits at most this long; then the pick goes ahead on what is known. */
export const DEFAULT_FRESH_READ_WAIT_MS = 250;

export interface HealthAgentSourceOptions {
  /** Epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** How long the first call waits for the first read of the entity (default the agent's, 500 ms). */
  firstReadWaitMs?: number;
  /** How long a pick waits for a fresh read while a deployment is suspect (default 250 ms). */
  freshReadWaitMs?: number;
}

function hasUndecidedSuspect(view: SharedHealthView, now: number): boolean {
  for (const id in view) {
    const v = view[id];
    if (v !== undefined && v.suspect === true && v.cooldownUntil <= now) return true;
  }
  return false;
}

/** A SharedHealthSource over a HealthAgent; the view is rebuilt only when the agent's state changed. */
export function healthAgentSource(agent: HealthAgent, options: HealthAgentSourceOptions = {}): SharedHealthSource {
  const now = options.now ?? Date.now;
  const freshWaitMs = options.freshReadWaitMs ?? DEFAULT_FRESH_READ_WAIT_MS;
  let firstRead: Promise<SharedHealthView> | null = null;
  let read = false;
  let viewOf: RouterState | null = null;
  let view: SharedHealthView = {};
  let fresh: Promise<SharedHealthView> | null = null;

  const current = (): SharedHealthView => {
    const state = agent.state();
    const config = agent.routingConfig();
    // Nothing read yet: the state holds this process's own reports only, which the router has itself.
    if (config === null) return {};
    if (state !== viewOf) {
      view = sharedView(config, state, now());
      viewOf = state;
    }
    return view;
  };

  const readAgain = (): Promise<SharedHealthView> => {
    if (fresh !== null) return fresh;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, freshWaitMs);
      timer.unref();
    });
    fresh = Promise.race([agent.poll(), timeout]).then(() => {
      clearTimeout(timer);
      fresh = null;
      return current();
    });
    return fresh;
  };

  return {
    view() {
      if (!read) {
        firstRead ??= agent.ready(options.firstReadWaitMs).then(() => {
          read = true;
          return current();
        });
        return firstRead;
      }
      const known = current();
      return hasUndecidedSuspect(known, now()) ? readAgain() : known;
    },
    report(deploymentId, result, at) {
      agent.report(deploymentId, result, at);
    },
  };
}
