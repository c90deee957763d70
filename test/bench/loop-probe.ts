/**
 * Event-loop delay of a benchmarked process, whatever it runs (the API, the
 * workers, the yardstick's worker): preloaded with `--require` by the
 * benchmark that wants it (bench:sla). On SIGWINCH (ignored by default, and
 * not one of the signals Nest's shutdown hooks take, as SIGUSR2 is: that one
 * stops the server) it writes what it saw since the previous signal (p50,
 * p99, max in ms) to `$BENCH_LOOP_PROBE_DIR/<pid>.json` and starts again, so
 * the benchmark signals once as a window opens and once after it, and reads
 * the file.
 * With BENCH_CPU_PROFILE=1 it also profiles the CPU between the first two
 * signals and writes `<pid>.cpuprofile` there (open it in Chrome's DevTools).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.BENCH_LOOP_PROBE_DIR;
if (dir) {
  // 10 ms sampling, as prom-client's default metrics do.
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const ms = (ns: number) => ns / 1e6;
  let profiler: Session | null = null;
  let signals = 0;
  process.on('SIGWINCH', () => {
    const seen = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
    h.reset();
    signals += 1;
    if (process.env.BENCH_CPU_PROFILE === '1' && signals === 1) {
      profiler = new Session();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler!.post('Profiler.start'));
    } else if (profiler && signals === 2) {
      const session = profiler;
      session.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
        session.disconnect();
      });
    }
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(seen));
  });
}
