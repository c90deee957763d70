import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PDU, Session, ShortMessage } from 'smpp';
import { createServer, errors } from 'smpp';

/** One submit_sm as the SMSC decoded it. */
export interface SubmittedSegment {
  messageId: string;
  destination: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** The concatenation IE (ref, total, seq) when the segment carried one. */
  concat?: { ref: number; total: number; seq: number };
  text: string;
}

/** A message as the phone would show it: its segments joined in order. */
export interface ReceivedSms {
  destination: string;
  text: string;
  segments: SubmittedSegment[];
}

/**
 * A real SMSC for the tests, on loopback: the `smpp` package's own server.
 * It binds transceivers that give the right system_id and password, decodes
 * each submit_sm (UCS-2 included), reassembles concatenated segments by
 * their UDH reference, answers with a message_id, and, when a receipt was
 * asked for, sends a delivery receipt (deliver_sm, esm_class 0x04) with the
 * SMPP 3.4 receipt text and TLVs. A receipt the client answers with an error
 * is sent again (what SMSCs do), so the tests can see nothing is lost.
 */
export class FakeSmsc {
  readonly segments: SubmittedSegment[] = [];
  readonly messages: ReceivedSms[] = [];
  /** The command_status of every deliver_sm_resp, in order. */
  readonly receiptAnswers: { messageId: string; status: number }[] = [];
  /** Refuse this many of the next submit_sm with ESME_RTHROTTLED. */
  throttleNext = 0;
  /** Leave enquire_link unanswered (a link that died without closing). */
  silent = false;
  readonly sessions = new Set<Session>();
  binds = 0;
  private server?: Server;
  private nextId = 0x5a0000;
  private readonly parts = new Map<string, SubmittedSegment[]>();

  constructor(private readonly credentials: { systemId: string; password: string }) {}

  get url(): string {
    return `smpp://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((session) => this.serve(session));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.dropSessions();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Cuts every connection (what a restarting SMSC or a broken link does). */
  dropSessions(): void {
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
  }

  private serve(session: Session): void {
    this.sessions.add(session);
    let bound = false;
    session.on('error', () => undefined);
    session.on('close', () => this.sessions.delete(session));
    session.on('bind_transceiver', (pdu: PDU) => {
      const ok = pdu.system_id === this.credentials.systemId && pdu.password === this.credentials.password;
      session.send(pdu.response(ok ? { system_id: 'FAKESMSC' } : { command_status: errors.ESME_RBINDFAIL }));
      if (ok) {
        bound = true;
        this.binds++;
      }
    });
    session.on('enquire_link', (pdu: PDU) => {
      if (!this.silent) session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      if (!bound) return session.send(pdu.response({ command_status: errors.ESME_RINVBNDSTS }));
      if (this.throttleNext > 0) {
        this.throttleNext--;
        return session.send(pdu.response({ command_status: errors.ESME_RTHROTTLED }));
      }
      const messageId = (this.nextId++).toString(16).toUpperCase();
      const segment = this.decode(pdu, messageId);
      this.segments.push(segment);
      session.send(pdu.response({ message_id: messageId }));
      this.reassemble(segment);
      if (segment.registeredDelivery & 0x01) this.sendReceipt(session, pdu, messageId);
    });
  }

  private decode(pdu: PDU, messageId: string): SubmittedSegment {
    const sm = pdu.short_message as ShortMessage;
    const concatIe = sm.udh?.find((ie) => ie[0] === 0x00 && ie[1] === 0x03);
    return {
      messageId,
      destination: String(pdu.destination_addr),
      dataCoding: Number(pdu.data_coding),
      esmClass: Number(pdu.esm_class),
      registeredDelivery: Number(pdu.registered_delivery),
      ...(concatIe ? { concat: { ref: concatIe[2], total: concatIe[3], seq: concatIe[4] } } : {}),
      text: typeof sm.message === 'string' ? sm.message : sm.message.toString('latin1'),
    };
  }

  private reassemble(segment: SubmittedSegment): void {
    if (!segment.concat) {
      this.messages.push({ destination: segment.destination, text: segment.text, segments: [segment] });
      return;
    }
    const key = `${segment.destination}|${segment.concat.ref}`;
    const got = [...(this.parts.get(key) ?? []), segment];
    if (got.length < segment.concat.total) return void this.parts.set(key, got);
    this.parts.delete(key);
    got.sort((a, b) => a.concat!.seq - b.concat!.seq);
    this.messages.push({ destination: segment.destination, text: got.map((s) => s.text).join(''), segments: got });
  }

  private sendReceipt(session: Session, submit: PDU, messageId: string): void {
    const now = new Date(Date.now() + 8 * 3600_000).toISOString(); // the receipt's dates are China time
    const date = now.slice(2, 16).replace(/[-T:]/g, '');
    session.deliver_sm(
      {
        source_addr: submit.destination_addr,
        destination_addr: submit.source_addr,
        esm_class: 0x04,
        short_message: `id:${messageId} sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:`,
        receipted_message_id: messageId,
        message_state: 2,
      },
      (answer: PDU) => {
        this.receiptAnswers.push({ messageId, status: answer.command_status });
        if (answer.command_status !== 0) setTimeout(() => this.sendReceipt(session, submit, messageId), 100);
      },
    );
  }
}
