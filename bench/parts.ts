// The benchmark parts `npm run bench -- <name>` can run, in their default order.
import type { BenchContext } from './lib/context';
import { overheadCharts } from './overhead/charts';
import { runOverhead, type OverheadResult } from './overhead/overhead';
import { outageCharts } from './outage/charts';
import { runOutage, type OutageResult } from './outage/outage';
import { runDurableThroughput, type DurableResult } from './durable-throughput/durable-throughput';
import { scaleCharts } from './scale/report';
import { runGateways, type GatewaysResult } from './gateways/gateways';
import { runGatewayOutage, type GatewayOutageResult } from './gateways/gateway-outage';
import { runScale, type ScaleResult } from './scale/scale';
import { runBatchScale, type BatchScaleResult } from './batch-scale/batch-scale';

export interface Part<R> {
  run(ctx: BenchContext): Promise<R>;
  /** file name → SVG */
  charts(result: R): Record<string, string>;
}

function part<R>(run: (ctx: BenchContext) => Promise<R>, charts: (result: R) => Record<string, string>): Part<unknown> {
  return { run, charts: charts as (result: unknown) => Record<string, string> };
}

export const PARTS = {
  overhead: part<OverheadResult>(runOverhead, overheadCharts),
  outage: part<OutageResult>(runOutage, outageCharts),
  durable: part<DurableResult>(runDurableThroughput, () => ({})),
  scale: part<ScaleResult>(runScale, scaleCharts),
  gateways: part<GatewaysResult>(runGateways, () => ({})),
  'gateway-outage': part<GatewayOutageResult>(runGatewayOutage, (r) => outageCharts(r, 'gateway-outage')),
  'batch-scale': part<BatchScaleResult>(runBatchScale, () => ({})),
} satisfies Record<string, Part<unknown>>;

export type PartName = keyof typeof PARTS;
