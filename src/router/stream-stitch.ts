// After a stream failed mid-answer, the next deployment is asked to continue
// from the text already delivered (an assistant prefill). Not every model
// honours a prefill: some start their answer again. The stitcher holds a
// continuation's first text back until it can tell which it is, so the caller
// never reads text twice:
//
//   - it continues (shares nothing with the start of what was delivered): passed on;
//   - it restarts with what was delivered and goes on: the repeated part is cut;
//   - it is still only a repetition when it ends: nothing new is passed on;
//   - it restarts and then says something else: no coherent answer can be
//     made of the two, and the caller gets a MidStreamError naming what it has.
import { MidStreamError } from '../errors';

/** A continuation that repeats at least this many leading words of the delivered text is a restart, not a continuation. */
export const RESTART_MIN_WORDS = 2;

export class StreamStitch {
  /** Everything the caller has received, across attempts. */
  delivered = '';
  private held = '';
  private checking = false;

  /** A new attempt starts; when text was already delivered, its first text is checked before any of it is passed on. */
  begin(): void {
    this.held = '';
    this.checking = this.delivered !== '';
  }

  /** One delta of content: returns what to pass to the caller now ('' for nothing yet). */
  accept(text: string, deploymentId: string): string {
    if (!this.checking) {
      this.delivered += text;
      return text;
    }
    this.held += text;
    const delivered = this.delivered;
    if (delivered.startsWith(this.held)) return '';
    this.checking = false;
    let out: string;
    if (this.held.startsWith(delivered)) {
      out = this.held.slice(delivered.length);
    } else {
      const common = commonPrefixLength(this.held, delivered);
      if (common > 0 && common >= restartLength(delivered)) {
        throw new MidStreamError(
          `${deploymentId} started the answer again differently after a stream cut, so no coherent continuation exists; the caller has the first ${delivered.length} characters (partialText)`,
          delivered,
          { deployment: deploymentId },
        );
      }
      // The prefill lost its trailing whitespace (Anthropic refuses it); do not double it.
      out = /\s$/.test(delivered) ? this.held.replace(/^\s+/, '') : this.held;
    }
    this.held = '';
    this.delivered += out;
    return out;
  }
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the delivered text's first RESTART_MIN_WORDS words (all of it when shorter). */
function restartLength(delivered: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < delivered.length; i++) {
    const space = /\s/.test(delivered.charAt(i));
    if (!space && !inWord) {
      words++;
      if (words > RESTART_MIN_WORDS) return i;
    }
    inWord = !space;
  }
  return delivered.length;
}
