import { Logger } from '@nestjs/common';
import type { PDU, Session } from 'smpp';
import { connect, errors } from 'smpp';
import type { SmppSettings } from '../../config/app-config';

/**
 * One SMPP 3.4 transceiver session with the SMSC, kept bound: submit_sm go
 * out on it and delivery receipts (deliver_sm) come back on it. When the
 * connection drops, or the SMSC stops answering enquire_link, it connects
 * and binds again with backoff (0.5 s doubling to 30 s), for as long as the
 * process runs. Submits wait for the bind up to their timeout.
 *
 * What the protocol needs and nothing more: at most `window` submit_sm
 * await their answers at once (the SMSC's window); no queue of messages.
 */

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const UNBIND_WAIT_MS = 2_000;

/** The SMSC's answer to one submit_sm: its command_status and, when 0, the message_id it gave. */
export interface SubmitAnswer {
  status: number;
  messageId?: string;
}

/** The SMSC could not be asked (not bound in time, connection lost before the answer, no answer in time). */
export class SmppUnavailable extends Error {
  override readonly name = 'SmppUnavailable';
}

const STATUS_NAMES = new Map(Object.entries(errors).map(([name, code]) => [code, name]));

/** `ESME_RTHROTTLED (0x58)`: how a command_status reads in a log or an outcome. */
export const smppStatusName = (status: number) =>
  `${STATUS_NAMES.get(status) ?? 'unknown status'} (0x${status.toString(16).padStart(2, '0')})`;

type State = 'idle' | 'connecting' | 'bound' | 'stopped';

interface BindWaiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SmppSession {
  private readonly logger = new Logger('SmppSession');
  private state: State = 'idle';
  private session?: Session;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private bindTimer?: NodeJS.Timeout;
  private enquireTimer?: NodeJS.Timeout;
  private enquireAnswerTimer?: NodeJS.Timeout;
  private readonly bindWaiters = new Set<BindWaiter>();
  /** Submits sent and not yet answered, so a lost connection fails them at once. */
  private readonly unanswered = new Set<(err: Error) => void>();
  private inFlight = 0;
  private readonly windowWaiters: (() => void)[] = [];

  /**
   * @param onDeliver handles a deliver_sm and returns the command_status to
   *   answer it with (0, or ESME_RX_T_APPN to have the SMSC send it again).
   */
  constructor(
    private readonly settings: SmppSettings,
    private readonly onDeliver: (pdu: PDU) => Promise<number>,
  ) {}

  get isBound(): boolean {
    return this.state === 'bound';
  }

  /** Connects and binds, unless already doing so; keeps the session up from then on. */
  start(): void {
    if (this.state === 'idle') this.connect();
  }

  /** Unbinds and closes; nothing reconnects afterwards. */
  async stop(): Promise<void> {
    const wasBound = this.state === 'bound';
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    this.clearSessionTimers();
    for (const w of this.bindWaiters) this.settleWaiter(w, new SmppUnavailable('the SMPP session is shutting down'));
    const session = this.session;
    if (!session || session.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => session.destroy(), UNBIND_WAIT_MS);
      session.socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (wasBound && session.unbind({}, () => session.close())) return;
      session.destroy();
    });
  }

  /**
   * Sends one submit_sm (its fields as the package names them) and resolves
   * with the SMSC's answer. Rejects with SmppUnavailable when the session is
   * not bound within the submit timeout, or the answer does not come.
   */
  async submit(fields: Record<string, unknown>): Promise<SubmitAnswer> {
    this.start();
    const deadline = Date.now() + this.settings.submitTimeoutMs;
    await this.whenBound(this.settings.submitTimeoutMs);
    // A socket the peer already closed, its close event not handled yet: nothing was sent, so wait for the next bind.
    while (!this.session?.socket.writable) {
      this.dropSession();
      await this.whenBound(Math.max(1, deadline - Date.now()));
    }
    await this.takeWindowSlot();
    try {
      const session = this.session;
      if (this.state !== 'bound' || !session) throw new SmppUnavailable('the SMPP session dropped before the message went out');
      // Not sent at all rather than sent with no time left to hear the answer (which would read as a failure and be sent twice).
      if (Date.now() >= deadline) throw new SmppUnavailable(`no room in the SMPP window within ${this.settings.submitTimeoutMs} ms`);
      return await new Promise<SubmitAnswer>((resolve, reject) => {
        const fail = (err: Error) => {
          clearTimeout(timer);
          this.unanswered.delete(fail);
          reject(err);
        };
        const timer = setTimeout(
          () => fail(new SmppUnavailable(`the SMSC did not answer submit_sm within ${this.settings.submitTimeoutMs} ms`)),
          Math.max(1, deadline - Date.now()),
        );
        this.unanswered.add(fail);
        const sent = session.submit_sm(fields, (answer) => {
          clearTimeout(timer);
          if (!this.unanswered.delete(fail)) return; // already failed (timeout or lost connection)
          resolve({ status: answer.command_status, messageId: typeof answer.message_id === 'string' ? answer.message_id : undefined });
        });
        if (!sent) fail(new SmppUnavailable('the SMPP connection is not writable'));
      });
    } finally {
      this.releaseWindowSlot();
    }
  }

  private connect(): void {
    this.state = 'connecting';
    const url = new URL(this.settings.url);
    const tls = url.protocol === 'ssmpp:';
    const session = connect({ host: url.hostname, port: Number(url.port) || (tls ? 3550 : 2775), tls });
    this.session = session;
    // Connect and bind within the submit timeout, or drop this try (a black-holed SYN would otherwise hang for minutes).
    this.bindTimer = setTimeout(() => {
      this.logger.warn(`no bind with the SMSC at ${url.host} within ${this.settings.submitTimeoutMs} ms; retrying`);
      session.destroy();
    }, this.settings.submitTimeoutMs);
    session.on(tls ? 'secureConnect' : 'connect', () => this.bind(session));
    session.on('error', (err: Error) => this.logger.warn(`SMPP connection to ${url.host}: ${err.message}`));
    session.on('close', () => this.closed(session));
    session.on('deliver_sm', (pdu: PDU) => void this.deliver(session, pdu));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  }

  private bind(session: Session): void {
    session.bind_transceiver(
      {
        system_id: this.settings.systemId,
        password: this.settings.password,
        system_type: this.settings.systemType,
        interface_version: 0x34,
      },
      (answer) => {
        if (session !== this.session || this.state !== 'connecting') return;
        clearTimeout(this.bindTimer);
        if (answer.command_status !== 0) {
          // A wrong password stays wrong: the backoff grows to its ceiling instead of hammering the SMSC.
          this.logger.error(`the SMSC refused bind_transceiver as ${this.settings.systemId}: ${smppStatusName(answer.command_status)}`);
          session.close();
          return;
        }
        this.state = 'bound';
        this.attempt = 0;
        this.logger.log(`bound to the SMSC as ${this.settings.systemId}`);
        for (const w of this.bindWaiters) this.settleWaiter(w);
        this.scheduleEnquireLink(session);
      },
    );
  }

  /** enquire_link every period; no answer within the submit timeout means a dead link: drop it and reconnect. */
  private scheduleEnquireLink(session: Session): void {
    this.enquireTimer = setTimeout(() => {
      this.enquireAnswerTimer = setTimeout(() => {
        this.logger.warn('the SMSC did not answer enquire_link; reconnecting');
        session.destroy();
      }, this.settings.submitTimeoutMs);
      const sent = session.enquire_link({}, () => {
        clearTimeout(this.enquireAnswerTimer);
        if (session === this.session && this.state === 'bound') this.scheduleEnquireLink(session);
      });
      if (!sent) {
        clearTimeout(this.enquireAnswerTimer);
        session.destroy();
      }
    }, this.settings.enquireLinkMs);
  }

  /** Gives up the current connection (its close event reconnects). */
  private dropSession(): void {
    if (this.state === 'bound') this.state = 'connecting';
    this.session?.destroy();
  }

  private closed(session: Session): void {
    if (session !== this.session) return;
    this.session = undefined;
    this.clearSessionTimers();
    for (const fail of [...this.unanswered]) fail(new SmppUnavailable('the SMPP connection closed before the SMSC answered'));
    if (this.state === 'stopped') return;
    if (this.state === 'bound') this.logger.warn('the SMPP session closed; reconnecting');
    this.state = 'connecting';
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'connecting') this.connect();
    }, delay);
  }

  private async deliver(session: Session, pdu: PDU): Promise<void> {
    let status: number;
    try {
      status = await this.onDeliver(pdu);
    } catch (err) {
      this.logger.error(`a delivery receipt could not be handled; the SMSC will send it again: ${(err as Error).message}`);
      status = errors.ESME_RX_T_APPN;
    }
    session.send(pdu.response(status ? { command_status: status } : {}));
  }

  private whenBound(timeoutMs: number): Promise<void> {
    if (this.state === 'bound') return Promise.resolve();
    if (this.state === 'stopped') return Promise.reject(new SmppUnavailable('the SMPP session is shut down'));
    return new Promise<void>((resolve, reject) => {
      const waiter: BindWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => this.settleWaiter(waiter, new SmppUnavailable(`not bound to the SMSC within ${timeoutMs} ms`)), timeoutMs),
      };
      this.bindWaiters.add(waiter);
    });
  }

  private settleWaiter(waiter: BindWaiter, err?: Error): void {
    clearTimeout(waiter.timer);
    this.bindWaiters.delete(waiter);
    if (err) waiter.reject(err);
    else waiter.resolve();
  }

  private takeWindowSlot(): Promise<void> {
    if (this.inFlight < this.settings.window) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.windowWaiters.push(resolve));
  }

  /** Hands the slot to the next waiter, if any (the count stays), or frees it. */
  private releaseWindowSlot(): void {
    const next = this.windowWaiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  private clearSessionTimers(): void {
    clearTimeout(this.bindTimer);
    clearTimeout(this.enquireTimer);
    clearTimeout(this.enquireAnswerTimer);
  }
}
