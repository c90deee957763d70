import { Injectable } from '@nestjs/common';
import type { SmsDeliveryReceipt, SmsReceiptHandler } from '../notifications.port';

/**
 * Where SMS delivery receipts go: the handlers the delivery pipeline
 * registers (ChannelTransports.onSmsReceipt). The SMSC is answered only
 * after every handler has finished; a handler that throws makes it send the
 * receipt again later.
 */
@Injectable()
export class SmsReceipts {
  private readonly handlers = new Set<SmsReceiptHandler>();

  /** Registers a handler; call the returned function to remove it. */
  add(handler: SmsReceiptHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Runs every handler on the receipt; rejects if one of them failed. */
  async dispatch(receipt: SmsDeliveryReceipt): Promise<void> {
    const results = await Promise.allSettled([...this.handlers].map(async (h) => h(receipt)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
}
