import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, point 5: the customer kept informed (docs/ARCHITECTURE.md,
 * "Notification pipeline", "Customer notices").
 *
 * - `customer_contacts.notifications_opt_out`: the contact asked for no SMS
 *   about their cases; their notices are recorded `suppressed` (`opted_out`).
 * - `notification_deliveries.recipient_kind` gains `reporter`: a fault's
 *   reporter whose mobile is none of the customer's contacts (no contact id to
 *   keep; the reporter's mobile is on the fault).
 * - The template type `callback.due` (the customer is told a call-back will
 *   come, by when), seeded in Chinese for every channel like the others.
 */
const SIGNATURE = '【政企客户服务】';

const CALLBACK_DUE: Record<string, { subject: string | null; body: string }> = {
  wecom: {
    subject: null,
    body: `### <font color="info">回访待进行</font>：{{ kindName }} {{ caseNo }}
> 客户：{{ customerName }}
> 标题：{{ title }}{% if dueAt %}
> 回访时限：{{ dueAt }}{% endif %}

[查看工单]({{ link }})`,
  },
  dingtalk: {
    subject: '回访待进行：{{ caseNo }}',
    body: `#### 回访待进行：{{ kindName }} {{ caseNo }}
- 客户：{{ customerName }}
- 标题：{{ title }}{% if dueAt %}
- 回访时限：{{ dueAt }}{% endif %}

[查看工单]({{ link }})`,
  },
  sms: {
    subject: null,
    body: `${SIGNATURE}尊敬的{{ customerName }}：您的工单{{ caseNo }}已办结，我们将{% if dueAt %}于{{ dueAt }}前{% endif %}致电回访，了解您对本次服务的评价，敬请留意来电。`,
  },
  email: {
    subject: '【回访待进行】{{ caseNo }} {{ title }}',
    body: `<p>{{ customerName }} 的工单 <b>{{ caseNo }}</b> 已办结，将{% if dueAt %}于 {{ dueAt }} 前{% endif %}回访。</p>
<p><a href="{{ link }}">查看工单</a></p>`,
  },
};

export class CustomerNotices1795970000000 implements MigrationInterface {
  name = 'CustomerNotices1795970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_contacts ADD COLUMN notifications_opt_out boolean NOT NULL DEFAULT false`);

    await q.query(`ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_recipient_kind_check`);
    await q.query(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_recipient_kind_check
                     CHECK (recipient_kind IN ('staff', 'group', 'contact', 'reporter'))`);
    await q.query(`CREATE INDEX notification_deliveries_case_idx ON notification_deliveries (case_id, created_at)`);

    await q.query(`ALTER TABLE notification_templates DROP CONSTRAINT notification_templates_event_type_check`);
    await q.query(`ALTER TABLE notification_templates ADD CONSTRAINT notification_templates_event_type_check
                     CHECK (event_type IN ('sla.warning', 'sla.breached', 'sla.escalated', 'fault.acknowledged', 'fault.resolved',
                                           'order.accepted', 'order.completed', 'callback.due', 'digest'))`);
    const channels = Object.keys(CALLBACK_DUE);
    await q.query(
      `INSERT INTO notification_templates (event_type, channel, subject, body)
       SELECT 'callback.due', c, s, b FROM unnest($1::text[], $2::text[], $3::text[]) AS x(c, s, b)`,
      [channels, channels.map((c) => CALLBACK_DUE[c].subject), channels.map((c) => CALLBACK_DUE[c].body)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notification_templates WHERE event_type = 'callback.due'`);
    await q.query(`ALTER TABLE notification_templates DROP CONSTRAINT notification_templates_event_type_check`);
    await q.query(`ALTER TABLE notification_templates ADD CONSTRAINT notification_templates_event_type_check
                     CHECK (event_type IN ('sla.warning', 'sla.breached', 'sla.escalated', 'fault.acknowledged', 'fault.resolved',
                                           'order.accepted', 'order.completed', 'digest'))`);
    await q.query(`DROP INDEX notification_deliveries_case_idx`);
    await q.query(`DELETE FROM notification_deliveries WHERE recipient_kind = 'reporter'`);
    await q.query(`ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_recipient_kind_check`);
    await q.query(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_recipient_kind_check
                     CHECK (recipient_kind IN ('staff', 'group', 'contact'))`);
    await q.query(`ALTER TABLE customer_contacts DROP COLUMN notifications_opt_out`);
  }
}
