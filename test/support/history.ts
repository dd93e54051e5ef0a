import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;

function decodePayloadString(payload: temporal.api.common.v1.IPayload | null | undefined): string | undefined {
  if (!payload?.data) return undefined;
  const raw = Buffer.from(payload.data).toString('utf8');
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : raw;
  } catch {
    return raw;
  }
}

/** The `summary` of every scheduled activity, in history order (what the UI shows per hop). */
export function activitySummaries(history: History): string[] {
  return (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => decodePayloadString(e.userMetadata?.summary) ?? '');
}

/** Marker name sdk-core gives a local activity's result in history. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

function isLocalActivityMarker(e: temporal.api.history.v1.IHistoryEvent): boolean {
  return e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER;
}

/** The summary of every hop, normal or local activity, in history order, each with how it ran. */
export function hopSummaries(history: History): Array<{ kind: 'activity' | 'local'; summary: string }> {
  return (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes || isLocalActivityMarker(e))
    .map((e) => ({ kind: e.activityTaskScheduledEventAttributes ? 'activity' as const : 'local' as const, summary: decodePayloadString(e.userMetadata?.summary) ?? '' }));
}

/** Hops that ended in a failure: failed activities and local-activity markers that carry a failure. */
export function failedHops(history: History): number {
  return (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes || (isLocalActivityMarker(e) && e.markerRecordedEventAttributes?.failure)).length;
}

/** Patch markers (`patched()` in a new run) in history; each comes with a TemporalChangeVersion search-attribute update. */
export function patchMarkers(history: History): number {
  return (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length;
}

export function countEvents(history: History, attribute: keyof temporal.api.history.v1.IHistoryEvent): number {
  return (history.events ?? []).filter((e) => e[attribute]).length;
}

/**
 * Whether `needle` appears anywhere in the history: in the wire encoding the
 * server stores, and in every payload decoded as text.
 */
export function historyContains(history: History, needle: string): boolean {
  const wire = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  if (wire.includes(Buffer.from(needle, 'utf8'))) return true;
  const text = JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
  );
  return text.includes(needle);
}

export async function fetchHistory(handle: WorkflowHandle): Promise<History> {
  return handle.fetchHistory();
}
