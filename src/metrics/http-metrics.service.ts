import { Injectable } from '@nestjs/common';
import { InjectMetric, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';

export const HTTP_DURATION = 'http_request_duration_seconds';

export const httpDurationProvider = makeHistogramProvider({
  name: HTTP_DURATION,
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

@Injectable()
export class HttpMetrics {
  constructor(@InjectMetric(HTTP_DURATION) private readonly duration: Histogram<string>) {}

  /** Times every request in a Fastify hook, so 404s and errors are counted too (synchronous: no promise per request). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        {
          method: request.method,
          // the route template keeps the label set small (no ids in labels)
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
