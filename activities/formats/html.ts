// HTML to the text a reader sees: navigation, page chrome and code dropped,
// headings and paragraphs kept as lines, links without their URLs.
import type { HtmlToTextOptions } from 'html-to-text';
import { htmlToTextLibrary } from '../../src/lazy-modules';
import { decodeText } from './text';

/** Elements that are page chrome or code, not the document's content. */
export const HTML_SKIPPED_ELEMENTS = [
  'nav', 'header', 'footer', 'aside', 'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'form', 'button', 'select', 'dialog',
] as const;

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    ...HTML_SKIPPED_ELEMENTS.map((selector) => ({ selector, format: 'skip' })),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', options: { uppercaseHeaderCells: false } },
  ],
};

/** The charset a page declares in its first bytes (`<meta charset>` or the http-equiv form). */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
}

export function htmlToText(html: string): string {
  return htmlToTextLibrary().convert(html, OPTIONS).replace(/\n{3,}/g, '\n\n').trim();
}

export function decodeHtml(bytes: Uint8Array): string {
  return htmlToText(decodeText(bytes, declaredCharset(bytes)));
}
