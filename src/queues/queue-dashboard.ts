import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../common/auth/authenticator';
import { CommonError, CommonErrorCode } from '../common/errors/common-errors';
import { sendProblem, toProblem } from '../common/errors/problem.filter';
import { ALL_QUEUES } from './queue-names';

export const DASHBOARD_PATH = '/queues';
const COOKIE = 'focus_one_queues';

function cookieToken(request: FastifyRequest): string | undefined {
  const match = /(?:^|;\s*)focus_one_queues=([^;]+)/.exec(request.headers.cookie ?? '');
  return match?.[1];
}

/**
 * The BullMQ dashboard, for admins only. API clients send the bearer token;
 * a browser opens /queues?token=<jwt> once, which sets an HttpOnly cookie
 * limited to /queues and redirects to the clean URL.
 */
export async function mountQueueDashboard(app: NestFastifyApplication, authenticator: Authenticator): Promise<void> {
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Focus One queues' } },
  });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const query = request.query as { token?: string };
      const header = request.headers.authorization ?? (query.token ? `Bearer ${query.token}` : undefined);
      const token = header ?? (cookieToken(request) ? `Bearer ${cookieToken(request)}` : undefined);
      try {
        const auth = await authenticator.authenticate(token, String(request.id));
        if (!auth.roles.includes('admin')) throw new CommonError(CommonErrorCode.FORBIDDEN, 'The queue dashboard is for admins only');
      } catch (err) {
        const body = toProblem(err)!;
        return sendProblem(reply, { ...body, instance: request.url, requestId: request.id });
      }
      if (query.token) {
        reply.header('set-cookie', `${COOKIE}=${query.token}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=3600`);
        return reply.redirect(DASHBOARD_PATH, 303);
      }
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: DASHBOARD_PATH });
  });
}
