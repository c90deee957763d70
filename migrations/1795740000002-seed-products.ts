import type { MigrationInterface, QueryRunner } from 'typeorm';

type Attribute = {
  name: string;
  type: 'integer' | 'string' | 'enum';
  required: boolean;
  labelZh: string;
  labelEn: string;
  unit?: string;
  min?: number;
  max?: number;
  values?: string[];
};

const int = (name: string, labelZh: string, labelEn: string, unit: string, min: number, max: number, required = true): Attribute => ({
  name,
  type: 'integer',
  required,
  labelZh,
  labelEn,
  unit,
  min,
  max,
});
const oneOf = (name: string, labelZh: string, labelEn: string, values: string[], required = true): Attribute => ({
  name,
  type: 'enum',
  required,
  labelZh,
  labelEn,
  values,
});

/** The operator's key-account products and what an order item of each must carry. */
const PRODUCTS: [code: string, zh: string, en: string, category: string, description: string, attrs: Attribute[]][] = [
  [
    'DIA',
    '互联网专线',
    'Dedicated Internet Access',
    'connectivity',
    'Symmetric leased-line internet access with static public addresses',
    [
      int('bandwidthMbps', '带宽', 'Bandwidth', 'Mbit/s', 2, 100_000),
      int('ipv4Addresses', '公网IPv4地址数', 'Public IPv4 addresses', 'addresses', 1, 256, false),
    ],
  ],
  [
    'MPLS_VPN',
    'MPLS VPN专线',
    'MPLS VPN',
    'connectivity',
    'Layer-3 VPN between the customer sites over the operator backbone',
    [
      int('bandwidthMbps', '带宽', 'Bandwidth', 'Mbit/s', 2, 10_000),
      oneOf('qosClass', '服务等级', 'QoS class', ['gold', 'silver', 'bronze']),
    ],
  ],
  [
    'SDWAN',
    '软件定义广域网',
    'SD-WAN',
    'connectivity',
    'Managed SD-WAN edge with centrally orchestrated overlay',
    [
      int('bandwidthMbps', '带宽', 'Bandwidth', 'Mbit/s', 10, 10_000),
      oneOf('edgeModel', '边缘设备型号', 'Edge device model', ['small', 'medium', 'large']),
    ],
  ],
  [
    'IDC_RACK',
    'IDC机柜',
    'IDC Rack',
    'data_centre',
    'Colocation rack space in an operator data centre',
    [int('racks', '机柜数', 'Racks', 'racks', 1, 200), int('powerKw', '单机柜功率', 'Power per rack', 'kW', 2, 30)],
  ],
  [
    'CLOUD_HOST',
    '云主机',
    'Cloud Host',
    'cloud',
    'Virtual machine on the operator cloud',
    [
      int('vcpu', '虚拟CPU', 'vCPU', 'cores', 1, 128),
      int('memoryGb', '内存', 'Memory', 'GB', 1, 1024),
      int('diskGb', '系统盘', 'System disk', 'GB', 40, 32_768),
    ],
  ],
  [
    'VIDEO_CONF',
    '视频会议',
    'Video Conferencing',
    'collaboration',
    'Hosted video conferencing rooms',
    [
      int('rooms', '会议室数', 'Rooms', 'rooms', 1, 1000),
      int('maxParticipants', '单会场最大方数', 'Participants per meeting', 'participants', 3, 1000),
    ],
  ],
  [
    'CONF_CALL',
    '电话会议',
    'Conference Call',
    'collaboration',
    'Audio conference bridge reachable from any phone',
    [int('concurrentParties', '并发方数', 'Concurrent parties', 'parties', 3, 300)],
  ],
  [
    'EMERGENCY_COMM',
    '应急通信保障',
    'Emergency Communication',
    'assurance',
    'Emergency communication support for events and disasters',
    [
      oneOf('supportType', '保障方式', 'Support type', ['satellite', 'emergency_vehicle', 'temporary_base_station']),
      int('durationDays', '保障天数', 'Duration', 'days', 1, 90),
    ],
  ],
];

export class SeedProducts1795740000002 implements MigrationInterface {
  name = 'SeedProducts1795740000002';

  async up(q: QueryRunner): Promise<void> {
    for (const [code, zh, en, category, description, attrs] of PRODUCTS) {
      await q.query(`INSERT INTO products (code, name_zh, name_en, category, description, attributes) VALUES ($1, $2, $3, $4, $5, $6)`, [
        code,
        zh,
        en,
        category,
        description,
        JSON.stringify(attrs),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM products WHERE code = ANY($1)`, [PRODUCTS.map((p) => p[0])]);
  }
}
