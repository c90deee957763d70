/**
 * bench:sla's yardstick (issue 15 point 4): a BullMQ worker that only notes
 * how late it takes each bare delayed job (taken − due), in a process of its
 * own as the server's SLA worker is, with the SLA worker's concurrency. In
 * the benchmark's own process its lateness was partly the benchmark's event
 * loop (polling PostgreSQL, adding the jobs), not the queue's. Started
 * through `fork`: it says `ready` once connected, sends back the latenesses
 * (`{ late }`) once it has taken YARDSTICK_COUNT jobs or when asked
 * (`report`), and exits when the benchmark stops it.
 */
import { Worker } from 'bullmq';

const expected = Number(process.env.YARDSTICK_COUNT);
const late: number[] = [];
let reported = false;
const report = () => {
  if (reported) return;
  reported = true;
  process.send!({ late });
};

const worker = new Worker(
  process.env.YARDSTICK_QUEUE!,
  async (job: { data: { due: number } }) => {
    late.push(Date.now() - job.data.due);
    if (late.length === expected) report();
  },
  {
    connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
    prefix: process.env.YARDSTICK_PREFIX,
    concurrency: Number(process.env.YARDSTICK_CONCURRENCY),
  },
);

process.on('message', (m) => m === 'report' && report());
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
void worker.waitUntilReady().then(() => process.send!('ready'));
