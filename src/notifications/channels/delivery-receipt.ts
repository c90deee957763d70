import type { SmsDeliveryReceipt } from '../notifications.port';

/**
 * Reads an SMPP 3.4 delivery receipt: a deliver_sm whose esm_class says "MC
 * delivery receipt" (bits 2-5 = 0001, 0x04). SMSCs state the outcome in the
 * optional TLVs receipted_message_id and message_state, in the receipt text
 * of SMPP 3.4 Appendix B, or in both:
 *
 *   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…
 *
 * The TLVs win where both are given. The dates carry no zone: read as China
 * time, the SMSC's own.
 */

/** esm_class bits 2-5: the message type; 0x04 is an MC delivery receipt. */
export const isDeliveryReceipt = (esmClass: number) => (esmClass & 0x3c) === 0x04;

/** message_state TLV values (SMPP 3.4, 5.3.2.35). */
const FINAL_STATES: Record<number, { status: SmsDeliveryReceipt['status']; stat: string }> = {
  2: { status: 'delivered', stat: 'DELIVRD' },
  3: { status: 'failed', stat: 'EXPIRED' },
  4: { status: 'failed', stat: 'DELETED' },
  5: { status: 'failed', stat: 'UNDELIV' },
  7: { status: 'failed', stat: 'UNKNOWN' },
  8: { status: 'failed', stat: 'REJECTD' },
};

/** stat words of the receipt text; ACCEPTD and ENROUTE are not final and report nothing. */
const FINAL_STATS: Record<string, SmsDeliveryReceipt['status']> = {
  DELIVRD: 'delivered',
  EXPIRED: 'failed',
  DELETED: 'failed',
  UNDELIV: 'failed',
  UNKNOWN: 'failed',
  REJECTD: 'failed',
};

export interface ReceiptFields {
  /** The decoded short_message text (the package decodes it by data_coding). */
  text: string;
  receiptedMessageId?: string;
  messageState?: number;
}

/** The receipt, or null when it reports no final state (or names no message). */
export function parseDeliveryReceipt(fields: ReceiptFields): Omit<SmsDeliveryReceipt, 'to'> | null {
  const text = fields.text;
  const messageId = fields.receiptedMessageId?.trim() || /\bid:(\S+)/i.exec(text)?.[1];
  if (!messageId) return null;
  const byState = fields.messageState !== undefined ? FINAL_STATES[fields.messageState] : undefined;
  const statWord = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const byText = statWord && FINAL_STATS[statWord] ? { status: FINAL_STATS[statWord], stat: statWord } : undefined;
  const final = byState ?? byText;
  if (!final) return null;
  const err = /\berr:(\w+)/i.exec(text)?.[1];
  const done = /\bdone date:(\d{10}(?:\d{2})?)/i.exec(text)?.[1];
  return {
    messageId,
    status: final.status,
    stat: final.stat,
    ...(err && !/^0+$/.test(err) ? { errorCode: err } : {}),
    ...(done ? { doneAt: chinaReceiptDate(done) } : {}),
  };
}

/** YYMMDDhhmm[ss] in China time (UTC+8) → the instant. */
function chinaReceiptDate(value: string): Date {
  const [yy, mm, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map((i) => Number(value.slice(i, i + 2) || '0'));
  return new Date(Date.UTC(2000 + yy, mm - 1, dd, hh - 8, mi, ss));
}
