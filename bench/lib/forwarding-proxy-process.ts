// The floor of a gateway: a process that forwards each request to the fake
// provider and its answer back, byte for byte, over Node's own `http` with a
// kept-alive upstream connection. It parses nothing, routes nothing, checks
// no key and keeps no metrics; what it adds over a direct call is what one
// more HTTP hop on loopback costs on this machine, which every gateway pays
// before it does any work of its own.
import http from 'node:http';
import { serveParent } from './child';

export interface ForwardingProxyReady {
  url: string;
}

const upstream = new URL(process.argv[2] ?? '');
const agent = new http.Agent({ keepAlive: true });
/** Request headers passed on; everything a chat completion call needs. */
const FORWARDED = ['content-type', 'authorization', 'accept'];

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length };
    for (const name of FORWARDED) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    const out = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, agent, headers }, (answer) => {
      const back: Buffer[] = [];
      answer.on('data', (c: Buffer) => back.push(c));
      answer.on('end', () => {
        const payload = Buffer.concat(back);
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json', 'content-length': payload.length });
        res.end(payload);
      });
    });
    out.on('error', () => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"upstream unreachable"}}');
    });
    out.end(body);
  });
});

const listening = new Promise<ForwardingProxyReady>((resolve) => {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${address.port}` });
  });
});
serveParent<{ type: 'hello' }>(() => listening);
