/**
 * The yardstick for the fixed cost of a request (issue 15): a minimal Nest
 * application on Fastify with one GET and nothing else (no logger, no guard,
 * no headers). The HTTP benchmarks start it on the same Node as the server
 * and measure it in the same run, so `/health/live` reads as a ratio to it.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';

@Controller()
class TrivialController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [TrivialController] })
class TrivialModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(TrivialModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
