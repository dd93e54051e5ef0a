// Real documents in the formats batches read, made by the tests themselves:
// PDFs written with pdf-lib (one with a text layer on several pages, one that
// is only page images, as a scanner makes), and an HTML page with the usual
// navigation, header, footer, sidebar and scripts around its content.
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF with one page per entry, each line drawn as real text. */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 56, y: 780 - i * 18, size: 12, font }));
  }
  return doc.save();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A grey page with dark bars where lines of print would be: what a scan looks like to a text extractor (pixels, no text). */
export function scannedPagePng(width = 240, height = 320): Uint8Array {
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height, 0xee);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter: none
    const printed = y % 16 < 6 && y > 20 && y < height - 20;
    if (printed) for (let x = 20; x < width - 20; x++) raw.fill(0x22, y * row + 1 + x * 3, y * row + 1 + x * 3 + 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A PDF whose pages are only images: no text layer at all. */
export async function scannedPdf(pageCount: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(scannedPagePng());
  for (let i = 0; i < pageCount; i++) doc.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  return doc.save();
}

/** An article page wrapped in site chrome; `NOISE` words appear only in the chrome. */
export const HTML_NOISE = ['SiteNavigationLink', 'HeaderBanner', 'FooterCopyright', 'SidebarAdvert', 'trackingScript', 'cssRule'];
export function articleHtml(): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Durable routing</title>
<style>.cssRule { color: red }</style><script>window.trackingScript = 1;</script></head>
<body>
  <header><a href="/">HeaderBanner</a></header>
  <nav><ul><li><a href="/docs">SiteNavigationLink Docs</a></li><li><a href="/blog">SiteNavigationLink Blog</a></li></ul></nav>
  <main>
    <article>
      <h1>Routing that survives outages</h1>
      <p>Every provider call is a Temporal activity with its own <a href="https://example.test/retry">retry policy</a>.</p>
      <h2>Fallbacks</h2>
      <p>When a deployment fails, the workflow moves to the next one in the chain.</p>
      <ul><li>Cooldowns are kept in workflow state.</li><li>Fallback chains are explicit.</li></ul>
    </article>
  </main>
  <aside>SidebarAdvert: buy now</aside>
  <footer>FooterCopyright 2026</footer>
  <script>console.log('trackingScript')</script>
</body></html>`;
}
