/**
 * The part of the npm package `smpp` (0.5, untyped JavaScript) this code
 * and its tests use: sessions (client and server side), PDUs and the
 * protocol's constants. Fields of a PDU are its SMPP 3.4 parameter names.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded short message: the text (decoded by data_coding) and the user data header's information elements. */
  export interface ShortMessage {
    message: string | Buffer;
    /** Each information element as [IEI, length, ...data] (the UDH length octet stripped). */
    udh?: Buffer[];
  }

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
  }

  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: (pdu: PDU) => void): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    deliver_sm(options: Record<string, unknown>, responseCallback?: (pdu: PDU) => void): boolean;
    enquire_link(options?: Record<string, unknown>, responseCallback?: (pdu: PDU) => void): boolean;
    unbind(options?: Record<string, unknown>, responseCallback?: (pdu: PDU) => void): boolean;
  }

  export interface ConnectOptions {
    url?: string;
    host?: string;
    port?: number;
    tls?: boolean;
    auto_enquire_link_period?: number;
    [option: string]: unknown;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): NetServer;
  export function createServer(listener?: (session: Session) => void): NetServer;

  export const consts: {
    REGISTERED_DELIVERY: Record<string, number>;
    ESM_CLASS: Record<string, number>;
    MESSAGE_STATE: Record<string, number>;
    ENCODING: Record<string, number>;
  };
  export const errors: Record<string, number>;
  export const ESME_ROK: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RMSGQFUL: number;
  export const ESME_RX_T_APPN: number;
}
