import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { PDU, ShortMessage } from 'smpp';
import { errors } from 'smpp';
import { lookupTerm } from '../../common/lookup-term';
import { maskIdentifiers, maskMobile } from '../../common/masking';
import type { SmppSettings } from '../../config/app-config';
import { AppConfig } from '../../config/app-config';
import type { ChannelTransport, KeyedRateLimit, SendOutcome, SmsMessage } from '../notifications.port';
import { isDeliveryReceipt, parseDeliveryReceipt } from './delivery-receipt';
import { SmppSession, SmppUnavailable, smppStatusName } from './smpp-session';
import { splitUcs2 } from './sms-segments';
import { SmsReceipts } from './sms-receipts';

/** data_coding 8: UCS-2 (UTF-16BE), what Chinese text needs. */
const DATA_CODING_UCS2 = 0x08;
/** registered_delivery 1: a receipt for the final outcome, delivered or failed. */
const RECEIPT_ON_FINAL = 0x01;

/** SMSC answers that mean "not now" rather than "never". */
const RETRYABLE_STATUSES = new Set([
  errors.ESME_RTHROTTLED,
  errors.ESME_RMSGQFUL,
  errors.ESME_RSYSERR,
  errors.ESME_RX_T_APPN,
  errors.ESME_RINVBNDSTS,
]);

/**
 * SMS to mainland mobiles through the operator's SMSC over SMPP 3.4:
 * Chinese text in UCS-2, long texts as concatenated segments (sms-segments.ts),
 * a delivery receipt asked for each segment and handed to SmsReceipts.
 * Mobiles are masked in everything it logs or reports.
 */
@Injectable()
export class SmsTransport implements ChannelTransport<SmsMessage>, OnApplicationShutdown {
  readonly channel = 'sms' as const;
  private readonly logger = new Logger(SmsTransport.name);
  private readonly settings?: SmppSettings;
  private readonly session?: SmppSession;
  /** The concatenation reference of the last long message (8 bits, per session). */
  private reference = randomInt(256);

  constructor(
    config: AppConfig,
    private readonly receipts: SmsReceipts,
  ) {
    this.settings = config.notifications.smpp;
    if (this.settings) this.session = new SmppSession(this.settings, (pdu) => this.onDeliver(pdu));
  }

  get configured(): boolean {
    return this.session !== undefined;
  }

  get isBound(): boolean {
    return this.session?.isBound ?? false;
  }

  /** Binds now rather than at the first message: a worker does at start, so receipts of earlier messages reach it. */
  connect(): void {
    this.session?.start();
  }

  onApplicationShutdown(): Promise<void> | undefined {
    return this.session?.stop();
  }

  /** The throughput the SMSC contract allows (SMPP_MAX_PER_SECOND), shared by every SMS of this process's caller. */
  rateLimitOf(): KeyedRateLimit | null {
    return this.settings ? { key: 'sms', max: this.settings.maxPerSecond, perMs: 1000 } : null;
  }

  async send(message: SmsMessage): Promise<SendOutcome> {
    if (!this.session || !this.settings) return { accepted: false, retryable: false, error: 'SMS is not configured (SMPP_URL)' };
    const term = lookupTerm(message.to);
    if (term.by !== 'mobile')
      return { accepted: false, retryable: false, error: `${maskIdentifiers(message.to)} is not a mainland mobile number` };
    if (!message.text) return { accepted: false, retryable: false, error: 'the text is empty' };
    const mobile = term.value;
    this.reference = (this.reference + 1) % 256;
    const { segments, truncated } = splitUcs2(message.text, this.reference, this.settings.maxSegments);
    if (truncated) this.logger.warn(`an SMS to ${maskMobile(mobile)} was cut to ${segments.length} segments (SMPP_MAX_SEGMENTS)`);
    const ids: string[] = [];
    for (const [i, segment] of segments.entries()) {
      const part = segments.length > 1 ? ` (segment ${i + 1} of ${segments.length})` : '';
      let answer;
      try {
        answer = await this.session.submit({
          source_addr_ton: this.settings.source.ton,
          source_addr_npi: this.settings.source.npi,
          source_addr: this.settings.source.addr,
          dest_addr_ton: this.settings.destination.ton,
          dest_addr_npi: this.settings.destination.npi,
          destination_addr: this.settings.destination.ton === 1 ? `86${mobile}` : mobile,
          registered_delivery: RECEIPT_ON_FINAL,
          data_coding: DATA_CODING_UCS2,
          // With a UDH the package sets the UDHI bit of esm_class and puts the header before the UCS-2 text.
          short_message: segment.udh ? { udh: segment.udh, message: segment.text } : { message: segment.text },
        });
      } catch (err) {
        if (!(err instanceof SmppUnavailable)) throw err;
        return this.notAccepted(ids, `${err.message}${part}`, true);
      }
      if (answer.status !== 0 || !answer.messageId) {
        const why = answer.status ? `the SMSC refused it: ${smppStatusName(answer.status)}` : 'the SMSC gave no message_id';
        return this.notAccepted(ids, `${why}${part}`, RETRYABLE_STATUSES.has(answer.status));
      }
      ids.push(answer.messageId);
    }
    return { accepted: true, providerMessageId: ids[0], providerMessageIds: ids, retryable: false };
  }

  /** Segments the SMSC already took are reported too: their receipts may still come. */
  private notAccepted(ids: string[], error: string, retryable: boolean): SendOutcome {
    return { accepted: false, retryable, error, ...(ids.length ? { providerMessageId: ids[0], providerMessageIds: [...ids] } : {}) };
  }

  /** A deliver_sm: a receipt goes to the handlers; anything else (a reply from a phone) is acknowledged and dropped. */
  private async onDeliver(pdu: PDU): Promise<number> {
    if (!isDeliveryReceipt(Number(pdu.esm_class ?? 0))) return errors.ESME_ROK;
    const sm = pdu.short_message as ShortMessage | Buffer | undefined;
    const body = Buffer.isBuffer(sm) ? sm : sm?.message;
    const text = Buffer.isBuffer(body) ? body.toString('latin1') : (body ?? '');
    const receipt = parseDeliveryReceipt({
      text,
      receiptedMessageId: typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined,
      messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
    });
    if (!receipt) return errors.ESME_ROK;
    const source = typeof pdu.source_addr === 'string' ? lookupTerm(pdu.source_addr) : undefined;
    await this.receipts.dispatch({ ...receipt, ...(source?.by === 'mobile' ? { to: maskMobile(source.value) } : {}) });
    return errors.ESME_ROK;
  }
}
