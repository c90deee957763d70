import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SmsTransport } from './sms.transport';

/**
 * Worker processes bind to the SMSC at start, not at their first SMS: the
 * SMSC hands delivery receipts to a bound session of the same system_id, so
 * receipts of messages sent before a restart still arrive. API processes
 * bind only if they ever send.
 */
@Injectable()
export class SmsSessionStarter implements OnApplicationBootstrap {
  constructor(private readonly sms: SmsTransport) {}

  onApplicationBootstrap(): void {
    this.sms.connect();
  }
}
