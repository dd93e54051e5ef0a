// CPU and memory of a process read from /proc (Linux), so a child process
// (the Portkey gateway, a Temporal worker, the dev server) is measured the
// same way as this one.
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessSample {
  /** user + system CPU time, ms */
  cpuMs: number;
  rssMb: number;
  /** Peak RSS since the process started (VmHWM), MB */
  peakRssMb: number;
}

export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Tracks CPU used and the highest RSS seen across a set of processes while a phase runs. */
export class ResourceMeter {
  private readonly start = new Map<number, number>();
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly wallStart = performance.now();

  constructor(private readonly pids: readonly number[], intervalMs = 200) {
    for (const pid of pids) this.start.set(pid, sampleProcess(pid)?.cpuMs ?? 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    let rss = 0;
    for (const pid of this.pids) rss += sampleProcess(pid)?.rssMb ?? 0;
    this.peakRss = Math.max(this.peakRss, rss);
  }

  /** CPU over the metered processes since construction (in all, and per process), and their peak combined RSS. */
  stop(): { cpuMs: number; cpuMsByPid: Map<number, number>; cpuPercent: number; peakRssMb: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    let cpu = 0;
    const cpuMsByPid = new Map<number, number>();
    for (const pid of this.pids) {
      const used = (sampleProcess(pid)?.cpuMs ?? 0) - (this.start.get(pid) ?? 0);
      cpuMsByPid.set(pid, used);
      cpu += used;
    }
    const wall = performance.now() - this.wallStart;
    return { cpuMs: cpu, cpuMsByPid, cpuPercent: wall > 0 ? (cpu / wall) * 100 : NaN, peakRssMb: this.peakRss };
  }
}
