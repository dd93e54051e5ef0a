// What the benchmark parts share in one run: the fake provider process, and,
// started on first use, the Portkey gateway and the Temporal stack.
import { cpus, loadavg, totalmem } from 'node:os';
import { startFakeProvider, type FakeProvider } from './fake-provider';
import { startPortkey, type PortkeyGateway } from './portkey';
import { startTemporalStack, type TemporalStack } from './temporal-stack';
import { BENCH_KEY_ENV } from './temporal-stack';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  loadAverage: number;
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export interface BenchContext {
  readonly fake: FakeProvider;
  readonly log: (line: string) => void;
  /** Multiplies every part's default duration (BENCH_SCALE=0.2 for a smoke run). */
  readonly scale: number;
  portkey(): Promise<PortkeyGateway>;
  temporal(): Promise<TemporalStack>;
  close(): Promise<void>;
}

export async function createContext(scale: number): Promise<BenchContext> {
  process.env[BENCH_KEY_ENV] ??= 'sk-bench-fake';
  const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const fake = await startFakeProvider();
  let portkey: Promise<PortkeyGateway> | undefined;
  let temporal: Promise<TemporalStack> | undefined;
  return {
    fake,
    log,
    scale,
    portkey() {
      portkey ??= startPortkey();
      return portkey;
    },
    temporal() {
      temporal ??= startTemporalStack(log);
      return temporal;
    },
    async close() {
      const closing: Array<Promise<void>> = [fake.stop()];
      if (portkey) closing.push(portkey.then((p) => p.stop()));
      if (temporal) closing.push(temporal.then((t) => t.stop()));
      await Promise.allSettled(closing);
    },
  };
}
