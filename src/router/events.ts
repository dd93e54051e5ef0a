import type { RouterEvents } from './types';

type Listener<T> = (event: T) => void;

/**
 * A small typed emitter. Emitting checks for listeners first, so a router
 * nobody listens to pays one property read per event. A listener that throws
 * never breaks routing: its error becomes a process warning.
 */
export class RouterEventEmitter {
  private readonly listeners: { [K in keyof RouterEvents]?: Listener<RouterEvents[K]>[] } = {};

  on<K extends keyof RouterEvents>(name: K, listener: Listener<RouterEvents[K]>): () => void {
    const list = (this.listeners[name] ??= []) as Listener<RouterEvents[K]>[];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i !== -1) list.splice(i, 1);
    };
  }

  /** Whether any event has a listener. */
  any(): boolean {
    for (const list of Object.values(this.listeners)) if (list !== undefined && list.length > 0) return true;
    return false;
  }

  has(name: keyof RouterEvents): boolean {
    return (this.listeners[name]?.length ?? 0) > 0;
  }

  emit<K extends keyof RouterEvents>(name: K, event: RouterEvents[K]): void {
    const list = this.listeners[name] as Listener<RouterEvents[K]>[] | undefined;
    if (list === undefined || list.length === 0) return;
    for (const listener of list.slice()) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`router "${name}" listener threw: ${error instanceof Error ? error.message : String(error)}`, 'RouterListenerWarning');
      }
    }
  }
}
