import { randomBytes } from 'node:crypto';
import { customerBody, faultBody, mobile } from './factories';
import { FakeSmsc } from './fake-smsc';
import { MailReceiver } from './mail-receiver';
import { DingtalkFake, WecomFake } from './robot-fakes';
import { unique } from './test-app';

/**
 * The notification pipeline's surroundings for a test (docs/ARCHITECTURE.md,
 * "Notification pipeline"): every channel's local counterpart, the settings
 * that point the app at them, and a team of staff in a region (assignee, duty
 * manager, account manager, the region's two robots and a customer) built
 * through the API of a running app (in-process or a child process).
 */

export const SMSC_CREDENTIALS = { systemId: 'focusone', password: 'pw1234' };

export class ChannelFakes {
  readonly wecom = new WecomFake();
  readonly dingtalk = new DingtalkFake();
  readonly smsc = new FakeSmsc(SMSC_CREDENTIALS);
  readonly mail = new MailReceiver();

  async start(): Promise<void> {
    await Promise.all([this.wecom.start(), this.dingtalk.start(), this.smsc.start(), this.mail.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.wecom.stop(), this.dingtalk.stop(), this.smsc.stop(), this.mail.stop()]);
  }

  /** The app's settings for these fakes. */
  env(): Record<string, string> {
    return {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      NOTIFY_SECRET_KEY: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: 'https://desk.example.cn',
      SMPP_URL: this.smsc.url,
      SMPP_SYSTEM_ID: SMSC_CREDENTIALS.systemId,
      SMPP_PASSWORD: SMSC_CREDENTIALS.password,
      SMPP_SOURCE_ADDR: '10655000',
      SMPP_ENQUIRE_LINK_SECONDS: '5',
      SMPP_SUBMIT_TIMEOUT_MS: '5000',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.mail.port),
      SMTP_REQUIRE_TLS: 'false',
      SMTP_FROM: 'Focus One 告警 <alerts@focus-one.test>',
    };
  }

  /** SMS to one mobile, as the phone shows them (the SMSC sees 86 + the mobile: SMPP_DEST_TON 1). */
  smsTo(mobileNo: string) {
    return this.smsc.messages.filter((m) => m.destination.endsWith(mobileNo));
  }

  mailTo(address: string) {
    return this.mail.mails.filter((m) => m.to.includes(address));
  }
}

/** An HTTP call as admin (or another token) on a running app: supertest in-process, fetch against a child. */
export type Call = (method: 'get' | 'post' | 'put', path: string, body?: unknown, token?: string) => Promise<{ status: number; body: any }>;

export interface Person {
  id: string;
  displayName: string;
  workPhone: string | null;
  email: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
}

export interface Team {
  region: string;
  engineer: Person;
  dutyManager: Person;
  accountManager: Person;
  customerId: string;
  wecomKey: string;
  dingtalkToken: string;
  wecomChannelId: string;
  dingtalkChannelId: string;
}

const HOUR = 3_600_000;

async function ok(call: Call, method: 'get' | 'post' | 'put', path: string, body?: unknown): Promise<any> {
  const res = await call(method, path, body);
  if (res.status >= 300) throw new Error(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function person(call: Call, roles: string[], regions: string[], contacts: Partial<Omit<Person, 'id'>>): Promise<Person> {
  const n = unique();
  const body = await ok(call, 'post', '/api/v1/staff', {
    username: `n.${n}`,
    password: 'a-long-password-13',
    displayName: `员工${n.slice(-6)}`,
    roles,
    regions,
    ...contacts,
  });
  return {
    id: body.id,
    displayName: body.displayName,
    workPhone: contacts.workPhone ?? null,
    email: contacts.email ?? null,
    wecomUserId: contacts.wecomUserId ?? null,
    dingtalkUserId: contacts.dingtalkUserId ?? null,
  };
}

/**
 * A region's people and robots: an engineer on the roster (mobile, e-mail,
 * WeCom id), a duty manager on the roster (mobile, DingTalk id), an account
 * manager (e-mail, WeCom id), a WeCom and a DingTalk robot, and a key
 * customer of the region managed by that account manager.
 */
export async function team(call: Call, fakes: ChannelFakes, region: string, customer: Record<string, unknown> = {}): Promise<Team> {
  const n = unique();
  const engineer = await person(call, ['engineer'], [region], {
    workPhone: mobile(),
    email: `eng.${n}@example.cn`,
    wecomUserId: `wc.eng.${n}`,
  });
  const dutyManager = await person(call, ['agent'], [region], { workPhone: mobile(), dingtalkUserId: `dt.dm.${n}` });
  const accountManager = await person(call, ['account_manager'], [region], { email: `am.${n}@example.cn`, wecomUserId: `wc.am.${n}` });
  for (const [staffId, dutyRole] of [
    [engineer.id, 'engineer'],
    [dutyManager.id, 'duty_manager'],
  ]) {
    await ok(call, 'post', '/api/v1/rosters/shifts', {
      region,
      dutyRole,
      staffId,
      from: new Date(Date.now() - HOUR).toISOString(),
      to: new Date(Date.now() + 12 * HOUR).toISOString(),
    });
  }
  const wecomKey = `k-${n}`;
  const dingtalkToken = `t-${n}`;
  const secret = `SEC${randomBytes(32).toString('hex')}`;
  const wecomChannel = await ok(call, 'post', '/api/v1/notification-channels', {
    region,
    name: `企业微信值班群${n}`,
    type: 'wecom_robot',
    webhookUrl: fakes.wecom.url(wecomKey),
  });
  const dingtalkChannel = await ok(call, 'post', '/api/v1/notification-channels', {
    region,
    name: `钉钉值班群${n}`,
    type: 'dingtalk_robot',
    webhookUrl: fakes.dingtalk.robot(dingtalkToken, secret),
    secret,
  });
  const created = await ok(
    call,
    'post',
    '/api/v1/customers',
    customerBody({
      name: `佛山市政务数据局${n.slice(-4)}`,
      homeRegion: region,
      sites: [{ name: '机房', region, address: '广东省佛山市某区某路1号' }],
      accountManagerId: accountManager.id,
      ...customer,
    }),
  );
  return {
    region,
    engineer,
    dutyManager,
    accountManager,
    customerId: created.id,
    wecomKey,
    dingtalkToken,
    wecomChannelId: wecomChannel.id,
    dingtalkChannelId: dingtalkChannel.id,
  };
}

/** Opens a fault (or complaint) of the team's customer; returns its id and number. */
export async function openFault(call: Call, team: Team, overrides: Record<string, unknown> = {}): Promise<{ id: string; caseNo: string }> {
  const body = await ok(call, 'post', '/api/v1/faults', faultBody(team.customerId, { title: '南海区政务外网专线中断', ...overrides }));
  return { id: body.id, caseNo: body.caseNo };
}
