import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, channels: the regions' group robots (WeCom, DingTalk) with their
 * credentials sealed (AES-256-GCM, src/common/secret-box.ts), and the
 * message templates (Liquid, in Chinese) per event type and channel, seeded
 * with the defaults below. Admins edit the templates afterwards; this file
 * keeps the defaults as they were first shipped.
 */

type Seed = { subject?: string; body: string };
type Channels = { wecom: Seed; dingtalk: Seed; sms: Seed; email: Seed };

const SIGNATURE = '【政企客户服务】';

/** Robot markdown for a message about one case (the rows every staff-facing message shows). */
const caseRows = (quote: string) =>
  [
    `${quote}客户：{{ customerName }}`,
    `${quote}标题：{{ title }}`,
    `${quote}优先级：{{ priority }}\u3000区域：{{ regionName }}`,
    `${quote}处理人：{{ assigneeName | default: "未指派" }}`,
  ].join('\n');

const emailRows = `<table cellpadding="4" style="border-collapse:collapse">
<tr><td>客户</td><td>{{ customerName }}</td></tr>
<tr><td>工单号</td><td>{{ caseNo }}</td></tr>
<tr><td>标题</td><td>{{ title }}</td></tr>
<tr><td>优先级</td><td>{{ priority }}</td></tr>
<tr><td>区域</td><td>{{ regionName }}</td></tr>
<tr><td>处理人</td><td>{{ assigneeName | default: "未指派" }}</td></tr>
{% if dueAt %}<tr><td>时限</td><td>{{ dueAt }}</td></tr>{% endif %}
</table>
<p><a href="{{ link }}">查看工单</a></p>`;

/** An SLA alert (staff): what happened to which clock, on every channel. */
function slaAlert(headline: string, smsVerb: string): Channels {
  return {
    wecom: {
      body: `### <font color="warning">${headline}</font>：{{ kindName }} {{ caseNo }}
${caseRows('> ')}
> {{ clockName }}时限：{{ dueAt | default: "未设定" }}

[查看工单]({{ link }})`,
    },
    dingtalk: {
      subject: `${headline}：{{ caseNo }}`,
      body: `#### ${headline}：{{ kindName }} {{ caseNo }}
${caseRows('- ')}
- {{ clockName }}时限：{{ dueAt | default: "未设定" }}

[查看工单]({{ link }})`,
    },
    sms: {
      body: `${SIGNATURE}${headline}：{{ customerName }}的{{ kindName }}{{ caseNo }}（{{ priority }}，{{ title }}）{{ clockName }}时限{{ dueAt | default: "未设定" }}，${smsVerb}。处理人：{{ assigneeName | default: "未指派" }}。{{ link }}`,
    },
    email: {
      subject: `【${headline}】{{ caseNo }} {{ title }}`,
      body: `<p>{{ kindName }} <b>{{ caseNo }}</b> 的{{ clockName }}时限（{{ dueAt | default: "未设定" }}）${smsVerb}。</p>
${emailRows}`,
    },
  };
}

/** A step of a case the staff are told about and the customer gets an SMS for. */
function caseStep(headline: string, sms: string, emailLine: string): Channels {
  return {
    wecom: {
      body: `### <font color="info">${headline}</font>：{{ kindName }} {{ caseNo }}
${caseRows('> ')}{% if dueAt %}
> 承诺时间：{{ dueAt }}{% endif %}

[查看工单]({{ link }})`,
    },
    dingtalk: {
      subject: `${headline}：{{ caseNo }}`,
      body: `#### ${headline}：{{ kindName }} {{ caseNo }}
${caseRows('- ')}{% if dueAt %}
- 承诺时间：{{ dueAt }}{% endif %}

[查看工单]({{ link }})`,
    },
    sms: { body: `${SIGNATURE}${sms}` },
    email: {
      subject: `【${headline}】{{ caseNo }} {{ title }}`,
      body: `<p>${emailLine}</p>
${emailRows}`,
    },
  };
}

export const DEFAULT_TEMPLATES: Record<string, Channels> = {
  'sla.warning': slaAlert('SLA 预警', '即将超时，请尽快处理'),
  'sla.breached': slaAlert('SLA 超时', '已超时，请立即处理'),
  'sla.escalated': slaAlert('SLA {{ levelName }}', '已严重超时，已升级上报（{{ levelName }}）'),
  'fault.acknowledged': caseStep(
    '故障已受理',
    '尊敬的{{ customerName }}：您申告的故障已受理，工单号{{ caseNo }}{% if dueAt %}，我们承诺于{{ dueAt }}前修复{% endif %}。如有疑问请联系您的客户经理。',
    '{{ customerName }} 申告的故障 <b>{{ caseNo }}</b> 已受理。',
  ),
  'fault.resolved': caseStep(
    '故障已修复',
    '尊敬的{{ customerName }}：您的故障工单{{ caseNo }}（{{ title }}）已修复。如仍有问题，请联系您的客户经理。',
    '{{ customerName }} 的故障 <b>{{ caseNo }}</b> 已修复。',
  ),
  'order.accepted': caseStep(
    '订单已受理',
    '尊敬的{{ customerName }}：您的订单{{ caseNo }}已受理{% if dueAt %}，预计于{{ dueAt }}前完成{% endif %}。',
    '{{ customerName }} 的订单 <b>{{ caseNo }}</b> 已受理。',
  ),
  'order.completed': caseStep(
    '订单已完成',
    '尊敬的{{ customerName }}：您的订单{{ caseNo }}已全部完成，感谢您的支持。',
    '{{ customerName }} 的订单 <b>{{ caseNo }}</b> 已全部完成。',
  ),
  digest: {
    wecom: {
      body: `### 告警汇总：共 {{ count }} 条
{% for item in items limit: 30 %}> {{ forloop.index }}. **{{ item.eventName }}** {{ item.kindName }} {{ item.caseNo }}（{{ item.priority }}）{{ item.customerName }}：{{ item.title }}{% if item.dueAt %}，时限 {{ item.dueAt }}{% endif %} [查看]({{ item.link }})
{% endfor %}{% if count > 30 %}> ……另有 {{ count | minus: 30 }} 条，请在工作台查看
{% endif %}`,
    },
    dingtalk: {
      subject: '告警汇总：共 {{ count }} 条',
      body: `#### 告警汇总：共 {{ count }} 条
{% for item in items limit: 30 %}{{ forloop.index }}. **{{ item.eventName }}** {{ item.kindName }} {{ item.caseNo }}（{{ item.priority }}）{{ item.customerName }}：{{ item.title }}{% if item.dueAt %}，时限 {{ item.dueAt }}{% endif %} [查看]({{ item.link }})
{% endfor %}{% if count > 30 %}
……另有 {{ count | minus: 30 }} 条，请在工作台查看{% endif %}`,
    },
    sms: {
      body: `${SIGNATURE}您有{{ count }}条告警：{% for item in items limit: 5 %}{{ item.caseNo }} {{ item.eventName }}{% unless forloop.last %}；{% endunless %}{% endfor %}{% if count > 5 %}等{% endif %}。详情请查看工作台。`,
    },
    email: {
      subject: '【告警汇总】共 {{ count }} 条',
      body: `<p>以下 {{ count }} 条告警合并发送：</p>
<table cellpadding="4" style="border-collapse:collapse">
<tr><th>事件</th><th>工单号</th><th>客户</th><th>标题</th><th>优先级</th><th>时限</th><th>处理人</th></tr>
{% for item in items %}<tr><td>{{ item.eventName }}</td><td><a href="{{ item.link }}">{{ item.caseNo }}</a></td><td>{{ item.customerName }}</td><td>{{ item.title }}</td><td>{{ item.priority }}</td><td>{{ item.dueAt | default: "—" }}</td><td>{{ item.assigneeName | default: "未指派" }}</td></tr>
{% endfor %}</table>`,
    },
  },
};

export class NotificationChannelsTemplates1795870000000 implements MigrationInterface {
  name = 'NotificationChannelsTemplates1795870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_channels (
        id                 uuid PRIMARY KEY,
        region             text NOT NULL REFERENCES regions (code),
        type               text NOT NULL CHECK (type IN ('wecom_robot', 'dingtalk_robot')),
        name               text NOT NULL,
        webhook_url_sealed text NOT NULL,
        webhook_url_hint   text NOT NULL,
        secret_sealed      text,
        has_secret         boolean GENERATED ALWAYS AS (secret_sealed IS NOT NULL) STORED,
        active             boolean NOT NULL DEFAULT true,
        version            integer NOT NULL DEFAULT 1,
        created_by         uuid REFERENCES staff (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_by         uuid REFERENCES staff (id),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        deleted_at         timestamptz,
        CHECK (type <> 'dingtalk_robot' OR secret_sealed IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX notification_channels_region_name_uq ON notification_channels (region, name) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX notification_channels_region_idx ON notification_channels (region, type) WHERE deleted_at IS NULL AND active`,
    );

    await q.query(`
      CREATE TABLE notification_templates (
        event_type text NOT NULL CHECK (event_type IN ('sla.warning', 'sla.breached', 'sla.escalated', 'fault.acknowledged',
                                                       'fault.resolved', 'order.accepted', 'order.completed', 'digest')),
        channel    text NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'sms', 'email')),
        subject    text,
        body       text NOT NULL,
        version    integer NOT NULL DEFAULT 1,
        updated_by uuid REFERENCES staff (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_type, channel),
        CHECK ((channel IN ('email', 'dingtalk')) = (subject IS NOT NULL))
      )`);
    const rows = Object.entries(DEFAULT_TEMPLATES).flatMap(([eventType, channels]) =>
      Object.entries(channels).map(([channel, seed]: [string, Seed]) => [eventType, channel, seed.subject ?? null, seed.body]),
    );
    await q.query(
      `INSERT INTO notification_templates (event_type, channel, subject, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [0, 1, 2, 3].map((i) => rows.map((r) => r[i])),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_templates`);
    await q.query(`DROP TABLE notification_channels`);
  }
}
