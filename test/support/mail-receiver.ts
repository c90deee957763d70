import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the relay received it, its MIME read back. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  text?: string;
  html?: string;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) back to text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function headersOf(block: string): Map<string, string> {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  return new Map(unfolded.split(/\r?\n/).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
}

function decodeBody(body: string, encoding = '7bit'): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  }
  return body;
}

/** The text/plain and text/html parts of a message (one level of multipart, what nodemailer sends for text + html). */
function readMime(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'html'> {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const out: Pick<ReceivedMail, 'subject' | 'text' | 'html'> = { subject: decodeWords(headers.get('subject') ?? '') };
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => {
          const at = p.search(/\r?\n\r?\n/);
          return {
            headers: headersOf(p.slice(0, at).trim()),
            body: p
              .slice(at)
              .replace(/^\r?\n\r?\n/, '')
              .replace(/\r?\n$/, ''),
          };
        })
    : [{ headers, body }];
  for (const part of parts) {
    const decoded = decodeBody(part.body, part.headers.get('content-transfer-encoding'));
    if (/text\/html/i.test(part.headers.get('content-type') ?? '')) out.html = decoded;
    else out.text = decoded;
  }
  return out;
}

/**
 * A local SMTP relay (smtp-server) for the tests: no TLS, no auth; records
 * every message and answers a recipient with the code the test's script
 * names (550 refused for good, 451 try later), else 250.
 */
export class MailReceiver {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  refuse = new Map<string, number>();

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const code = this.refuse.get(address.address);
        if (!code) return callback();
        callback(Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            ...readMime(raw),
          });
          callback();
        });
      },
    });
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
