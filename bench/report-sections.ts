// Report sections in order: each renders its part's stored result.
import { overheadHeadline, overheadMarkdown } from './overhead/report';
import type { OverheadResult } from './overhead/overhead';
import { outageHeadline, outageMarkdown } from './outage/report';
import type { OutageResult } from './outage/outage';
import { durableHeadline, durableMarkdown } from './durable-throughput/report';
import type { DurableResult } from './durable-throughput/durable-throughput';
import { scaleHeadline, scaleMarkdown } from './scale/report';
import type { ScaleResult } from './scale/scale';
import { gatewayOutageHeadline, gatewayOutageMarkdown, gatewaysHeadline, gatewaysMarkdown } from './gateways/report';
import type { GatewaysResult } from './gateways/gateways';
import type { GatewayOutageResult } from './gateways/gateway-outage';
import { batchScaleHeadline, batchScaleMarkdown } from './batch-scale/report';
import type { BatchScaleResult } from './batch-scale/batch-scale';

export interface ReportSection {
  part: string;
  title: string;
  headline(result: unknown): string[];
  markdown(result: unknown): string;
}

function section<R>(part: string, title: string, headline: (r: R) => string[], markdown: (r: R) => string): ReportSection {
  return { part, title, headline: (r) => headline(r as R), markdown: (r) => markdown(r as R) };
}

export const REPORT_SECTIONS: ReportSection[] = [
  section<OverheadResult>('overhead', '1. Overhead per request', overheadHeadline, overheadMarkdown),
  section<OutageResult>('outage', '2. Failover under an outage', outageHeadline, outageMarkdown),
  section<DurableResult>('durable', '3. Durable throughput against Temporal\'s floor', durableHeadline, durableMarkdown),
  section<ScaleResult>('scale', '4. Scale: worker processes and concurrency', scaleHeadline, scaleMarkdown),
  section<GatewaysResult>('gateways', '5. Like against like: in-process routers, and gateways', gatewaysHeadline, gatewaysMarkdown),
  section<GatewayOutageResult>('gateway-outage', '6. Gateways under an outage, two replicas', gatewayOutageHeadline, gatewayOutageMarkdown),
  section<BatchScaleResult>('batch-scale', '7. Batches at scale: 20,000 and 100,000 documents from S3', batchScaleHeadline, batchScaleMarkdown),
];
