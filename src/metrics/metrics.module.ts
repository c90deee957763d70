import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetrics, httpDurationProvider } from './http-metrics.service';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers: [httpDurationProvider, HttpMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
