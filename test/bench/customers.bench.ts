/**
 * Customer lookup benchmark (issue 2): GET /api/v1/customers?q=… on 100,000 customers.
 *
 *   npm run bench:customers
 *
 * 1. Drops and recreates a dedicated database (BENCH_DATABASE_URL, default
 *    postgres://postgres@127.0.0.1:5432/focus_one_bench; its name must contain "bench"),
 *    clears the bench's Redis keys ({focus-one-bench}:*), starts the real server (dist/src/main.js --with-workers) on a free port with a
 *    random JWT secret and admin password, and waits for /health/ready.
 * 2. Bulk-loads customers with contacts, sites and service instances straight into
 *    PostgreSQL (INSERT … SELECT FROM unnest(arrays), BENCH_BATCH customers per transaction),
 *    then VACUUM (ANALYZE).
 * 3. Measures with autocannon (BENCH_CONNECTIONS connections, BENCH_DURATION s per run,
 *    BENCH_RUNS runs, scenarios interleaved) lookups by contact mobile, by credit code, by
 *    2-character name fragment (selective and broad), and /health/live as the baseline;
 *    each request takes the next of thousands of real values.
 * 4. EXPLAIN ANALYZEs the exact SQL CustomersService.list issues for each kind of lookup.
 * 5. Prints a markdown report and writes it to test/bench/results/customers-<timestamp>.md.
 *
 * The server is stopped at the end, also on failure or Ctrl-C; its Redis keys and the
 * database are removed then (BENCH_KEEP_DATABASE=1 keeps the database for inspection;
 * it is dropped at the next run).
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import IORedis from 'ioredis';
import type { PoolClient } from 'pg';
import { Client, Pool } from 'pg';
import type { Logger as OrmLogger } from 'typeorm';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../src/common/auth/auth-context';
import { creditCodeCheckChar } from '../../src/customers/credit-code';
import { AccountManagerTransfer } from '../../src/customers/account-manager-transfer.entity';
import { Contact } from '../../src/customers/contact.entity';
import { Customer } from '../../src/customers/customer.entity';
import { CustomersService } from '../../src/customers/customers.service';
import { ConsoleCustomerReferences } from '../../src/console/customer-references';
import { CustomerQuery } from '../../src/customers/dto/customer.dto';
import { ServiceInstance } from '../../src/customers/service-instance.entity';
import { Site } from '../../src/customers/site.entity';
import { SnakeNamingStrategy } from '../../src/database/snake-naming.strategy';
import { generatePassword } from '../../src/common/auth/passwords';

// ---------------------------------------------------------------- settings

const int = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/focus_one_bench';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const CUSTOMERS = int('BENCH_CUSTOMERS', 100_000);
const BATCH = int('BENCH_BATCH', 5_000);
const LOADERS = int('BENCH_LOADERS', 2);
const CONNECTIONS = int('BENCH_CONNECTIONS', 20);
const DURATION = int('BENCH_DURATION', 10);
const RUNS = int('BENCH_RUNS', 3);
const WARMUP = int('BENCH_WARMUP', 3);

const QUEUE_PREFIX = '{focus-one-bench}';
const ROOT = path.resolve(__dirname, '../../..'); // dist/test/bench → project root
const MAIN_JS = path.join(ROOT, 'dist/src/main.js');
const RESULTS_DIR = path.join(ROOT, 'test/bench/results');

// ---------------------------------------------------------------- deterministic data

/** murmur3's finalizer: nearby seeds must not give mulberry32 correlated streams (they do, unmixed). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: the same data on every run, so runs compare. */
function rng(seed: number) {
  let a = mix32(seed);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
    weighted: <T extends { weight: number }>(xs: readonly T[]): T => {
      let r = next() * xs.reduce((s, x) => s + x.weight, 0);
      for (const x of xs) if ((r -= x.weight) < 0) return x;
      return xs[xs.length - 1];
    },
  };
}
type Rng = ReturnType<typeof rng>;

interface Area {
  code: string;
  province: string;
  city: string;
  district: string;
  abbr: string;
  weight: number;
  /** Streets, towns and neighbourhoods: parts of names and addresses. */
  towns: string[];
}

const A = (code: string, province: string, city: string, district: string, abbr: string, weight: number, towns: string): Area => ({
  code,
  province,
  city,
  district,
  abbr,
  weight,
  towns: towns.split(' '),
});

/** Home regions, weighted roughly by the number of key accounts: Guangdong-heavy, plus Beijing and Shanghai. */
const AREAS: Area[] = [
  A('440103', '广东省', '广州市', '荔湾区', 'GZ', 2, '沙面 华林 多宝 西村 芳村'),
  A('440104', '广东省', '广州市', '越秀区', 'GZ', 3, '北京街 农林 东山 大塘 六榕'),
  A('440105', '广东省', '广州市', '海珠区', 'GZ', 2.5, '滨江 江南中 琶洲 南洲 赤岗'),
  A('440106', '广东省', '广州市', '天河区', 'GZ', 4, '石牌 林和 冼村 猎德 员村 五山'),
  A('440111', '广东省', '广州市', '白云区', 'GZ', 2.5, '三元里 嘉禾 太和 人和 江高'),
  A('440112', '广东省', '广州市', '黄埔区', 'GZ', 2.5, '萝岗 永和 大沙 夏港 鱼珠'),
  A('440113', '广东省', '广州市', '番禺区', 'GZ', 2.5, '市桥 大石 洛浦 南村 石楼'),
  A('440114', '广东省', '广州市', '花都区', 'GZ', 1.2, '新华 狮岭 秀全 炭步'),
  A('440115', '广东省', '广州市', '南沙区', 'GZ', 1.2, '黄阁 横沥 龙穴 万顷沙'),
  A('440118', '广东省', '广州市', '增城区', 'GZ', 0.8, '荔城 新塘 永宁'),
  A('440303', '广东省', '深圳市', '罗湖区', 'SZ', 2.5, '东门 翠竹 黄贝 清水河'),
  A('440304', '广东省', '深圳市', '福田区', 'SZ', 4, '华强北 园岭 香蜜湖 梅林 沙头'),
  A('440305', '广东省', '深圳市', '南山区', 'SZ', 4.5, '粤海 蛇口 西丽 桃源 招商'),
  A('440306', '广东省', '深圳市', '宝安区', 'SZ', 3.5, '西乡 福永 沙井 松岗 石岩'),
  A('440307', '广东省', '深圳市', '龙岗区', 'SZ', 3, '布吉 坂田 横岗 平湖 坪地'),
  A('440309', '广东省', '深圳市', '龙华区', 'SZ', 2, '观澜 民治 大浪 福城'),
  A('440310', '广东省', '深圳市', '坪山区', 'SZ', 0.7, '坑梓 碧岭 石井'),
  A('440311', '广东省', '深圳市', '光明区', 'SZ', 0.8, '公明 凤凰 玉塘'),
  A('440604', '广东省', '佛山市', '禅城区', 'FS', 3, '祖庙 石湾 张槎 南庄'),
  A('440605', '广东省', '佛山市', '南海区', 'FS', 4, '桂城 狮山 大沥 里水 西樵 九江 丹灶 罗村'),
  A('440606', '广东省', '佛山市', '顺德区', 'FS', 3.5, '大良 容桂 北滘 乐从 陈村 伦教'),
  A('440607', '广东省', '佛山市', '三水区', 'FS', 0.8, '西南 白坭 乐平'),
  A('440608', '广东省', '佛山市', '高明区', 'FS', 0.7, '荷城 杨和 明城'),
  A('441900', '广东省', '东莞市', '', 'DG', 8, '虎门 长安 松山湖 塘厦 常平 厚街 南城 东城 寮步 大朗'),
  A('440402', '广东省', '珠海市', '香洲区', 'ZH', 2, '拱北 吉大 前山 唐家湾'),
  A('442000', '广东省', '中山市', '', 'ZS', 2, '石岐 小榄 古镇 火炬'),
  A('441302', '广东省', '惠州市', '惠城区', 'HZ', 1.5, '江北 河南岸 桥东'),
  A('440703', '广东省', '江门市', '蓬江区', 'JM', 1, '白沙 杜阮 棠下'),
  A('110101', '北京市', '北京市', '东城区', 'BJ', 2, '东华门 景山 建国门 东直门'),
  A('110102', '北京市', '北京市', '西城区', 'BJ', 2.5, '金融街 西长安街 月坛 展览路'),
  A('110105', '北京市', '北京市', '朝阳区', 'BJ', 4, '建外 望京 酒仙桥 三里屯 亚运村'),
  A('110106', '北京市', '北京市', '丰台区', 'BJ', 1.5, '卢沟桥 方庄 右安门'),
  A('110108', '北京市', '北京市', '海淀区', 'BJ', 4, '中关村 学院路 上地 万寿路 北太平庄'),
  A('110112', '北京市', '北京市', '通州区', 'BJ', 1, '永顺 梨园 潞城'),
  A('110115', '北京市', '北京市', '大兴区', 'BJ', 1, '亦庄 黄村 旧宫'),
  A('310101', '上海市', '上海市', '黄浦区', 'SH', 2.5, '外滩 南京东路 打浦桥 老西门'),
  A('310104', '上海市', '上海市', '徐汇区', 'SH', 2, '徐家汇 漕河泾 田林 枫林'),
  A('310106', '上海市', '上海市', '静安区', 'SH', 2, '静安寺 南京西路 彭浦 大宁'),
  A('310112', '上海市', '上海市', '闵行区', 'SH', 2, '莘庄 七宝 虹桥 梅陇'),
  A('310115', '上海市', '上海市', '浦东新区', 'SH', 5, '陆家嘴 张江 金桥 外高桥 川沙 惠南'),
  A('310117', '上海市', '上海市', '松江区', 'SH', 1, '泗泾 九亭 车墩'),
];

const short = (s: string) => s.replace(/(市|区|新区)$/, '');
const provinceShort = (a: Area) => a.province.replace(/(省|市)$/, '');

const BUREAUS = [
  '人民政府',
  '人民政府办公室',
  '教育局',
  '财政局',
  '卫生健康局',
  '应急管理局',
  '市场监督管理局',
  '交通运输局',
  '自然资源局',
  '生态环境局',
  '人力资源和社会保障局',
  '住房和城乡建设局',
  '水务局',
  '税务局',
  '政务服务数据管理局',
  '城市管理和综合执法局',
  '民政局',
  '司法局',
  '统计局',
  '档案馆',
  '融媒体中心',
  '人民法院',
  '人民检察院',
  '公安局',
  '消防救援支队',
  '退役军人事务局',
];
const SUBUNITS = ['', '', '', '信息中心', '指挥中心', '办公室', '服务中心', '机关服务中心', '数据中心'];
const UNIVERSITIES = [
  '中山大学',
  '南方医科大学',
  '暨南大学',
  '广州医科大学',
  '深圳大学',
  '首都医科大学',
  '北京大学',
  '复旦大学',
  '上海交通大学医学院',
];
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
const BANKS = [
  '中国工商银行',
  '中国建设银行',
  '中国农业银行',
  '中国银行',
  '交通银行',
  '招商银行',
  '平安银行',
  '广发银行',
  '兴业银行',
  '中信银行',
  '上海浦东发展银行',
  '中国民生银行',
  '中国光大银行',
  '中国邮政储蓄银行',
  '华夏银行',
];
const INSURERS = ['中国人民财产保险', '中国人寿保险', '中国平安财产保险', '太平洋财产保险'];
const BRAND_CHARS =
  '华宏鹏达盛源恒信联创新科美德嘉泰丰隆顺发金银星光明海天宇通力远东南北中兴和瑞安富永昌佳利威博卓越晶辉锐讯腾飞凯伟志诚广粤骏豪'.split('');
const INDUSTRY_WORDS: [word: string, industry: string][] = [
  ['电子科技', 'electronics'],
  ['精密机械', 'manufacturing'],
  ['五金制品', 'manufacturing'],
  ['塑胶制品', 'manufacturing'],
  ['家具制造', 'manufacturing'],
  ['陶瓷', 'manufacturing'],
  ['铝业', 'manufacturing'],
  ['纺织', 'manufacturing'],
  ['服装', 'manufacturing'],
  ['食品', 'food'],
  ['物流', 'logistics'],
  ['供应链管理', 'logistics'],
  ['电器', 'manufacturing'],
  ['照明科技', 'manufacturing'],
  ['汽车零部件', 'manufacturing'],
  ['生物医药', 'pharmaceutical'],
  ['新材料', 'manufacturing'],
  ['信息技术', 'internet'],
  ['网络科技', 'internet'],
  ['软件', 'internet'],
  ['建设工程', 'construction'],
  ['房地产开发', 'real_estate'],
  ['国际贸易', 'trade'],
  ['环保科技', 'environment'],
  ['能源', 'energy'],
  ['医疗器械', 'healthcare'],
  ['智能装备', 'manufacturing'],
  ['光电', 'electronics'],
  ['通信设备', 'electronics'],
  ['酒店管理', 'hospitality'],
  ['文化传媒', 'media'],
  ['实业', 'manufacturing'],
];
const COMPANY_TYPES = [
  { s: '有限公司', weight: 70 },
  { s: '股份有限公司', weight: 15 },
  { s: '有限责任公司', weight: 10 },
  { s: '集团有限公司', weight: 5 },
];
const ROADS = [
  '人民路',
  '中山路',
  '建设路',
  '解放路',
  '新华路',
  '工业大道',
  '科技路',
  '创业路',
  '文化路',
  '环城路',
  '滨江路',
  '东风路',
  '迎宾大道',
];
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤'.split(
    '',
  );
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕晓东俊峰嘉欣子轩浩宇婷雪梅'.split('');
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '158',
  '166',
  '177',
  '180',
  '186',
  '188',
  '199',
];
const PRODUCTS = [
  { code: 'DIA', weight: 30 },
  { code: 'MPLS_VPN', weight: 20 },
  { code: 'SDWAN', weight: 15 },
  { code: 'CLOUD_HOST', weight: 12 },
  { code: 'IDC_RACK', weight: 8 },
  { code: 'VIDEO_CONF', weight: 7 },
  { code: 'CONF_CALL', weight: 5 },
  { code: 'EMERGENCY_COMM', weight: 3 },
];
const KINDS = [
  { kind: 'gov', weight: 18 },
  { kind: 'health', weight: 7 },
  { kind: 'edu', weight: 7 },
  { kind: 'finance', weight: 9 },
  { kind: 'ent', weight: 59 },
] as const;
type Kind = (typeof KINDS)[number]['kind'];

const placeOf = (a: Area) => a.city + a.district; // 佛山市南海区, 东莞市

function nameFor(r: Rng, kind: Kind, a: Area): { name: string; industry: string } {
  const town = r.pick(a.towns);
  switch (kind) {
    case 'gov': {
      const roll = r.next();
      if (roll < 0.2) return { name: `${placeOf(a)}${town}${a.district ? '街道办事处' : '镇人民政府'}`, industry: 'government' };
      if (roll < 0.3) return { name: `${a.city}${r.pick(BUREAUS)}${a.district ? short(a.district) + '分局' : ''}`, industry: 'government' };
      return { name: `${placeOf(a)}${r.pick(BUREAUS)}${r.pick(SUBUNITS)}`, industry: 'government' };
    }
    case 'health': {
      const templates = [
        () => `${placeOf(a)}人民医院`,
        () => `${placeOf(a)}中医院`,
        () => `${placeOf(a)}妇幼保健院`,
        () => `${a.city}第${r.pick(ORDINALS)}人民医院`,
        () => `${placeOf(a)}${town}社区卫生服务中心`,
        () => `${placeOf(a)}${town}医院`,
        () => `${r.pick(UNIVERSITIES)}附属第${r.pick(ORDINALS.slice(0, 8))}医院`,
        () => `${placeOf(a)}疾病预防控制中心`,
        () => `${a.city}口腔医院`,
      ];
      return { name: r.pick(templates)(), industry: 'healthcare' };
    }
    case 'edu': {
      const templates = [
        () => `${placeOf(a)}第${r.pick(ORDINALS)}中学`,
        () => `${placeOf(a)}${town}小学`,
        () => `${placeOf(a)}实验学校`,
        () => `${a.city}${r.pick(BRAND_CHARS)}${r.pick(BRAND_CHARS)}职业技术学院`,
        () => `${placeOf(a)}${town}中心幼儿园`,
      ];
      return { name: r.pick(templates)(), industry: 'education' };
    }
    case 'finance': {
      const roll = r.next();
      if (roll < 0.8)
        return {
          name: `${r.pick(BANKS)}股份有限公司${short(a.city)}${a.district ? short(a.district) : ''}${r.chance(0.5) ? town : ''}支行`,
          industry: 'finance',
        };
      if (roll < 0.93)
        return {
          name: `${r.pick(INSURERS)}股份有限公司${short(a.city)}${a.district ? short(a.district) : town}支公司`,
          industry: 'insurance',
        };
      return {
        name: `${r.pick(BRAND_CHARS)}${r.pick(BRAND_CHARS)}证券股份有限公司${short(a.city)}${town}证券营业部`,
        industry: 'securities',
      };
    }
    case 'ent': {
      const [word, industry] = r.pick(INDUSTRY_WORDS);
      const brand = r.pick(BRAND_CHARS) + r.pick(BRAND_CHARS);
      const roll = r.next();
      const prefix = roll < 0.3 ? placeOf(a) : roll < 0.65 ? a.city : roll < 0.8 ? provinceShort(a) : short(a.city);
      return { name: `${prefix}${brand}${word}${r.weighted(COMPANY_TYPES).s}`, industry };
    }
  }
}

const SITE_NAMES: Record<Kind, string[]> = {
  gov: ['办公楼', '政务服务中心', '指挥中心', '机关大院'],
  health: ['院本部', '门诊楼', '住院部', '分院'],
  edu: ['校本部', '教学楼', '新校区'],
  finance: ['营业部', '数据中心', '办公楼'],
  ent: ['总部', '生产基地', '研发中心', '仓储中心', '工厂'],
};

/** GB 11714 organisation code check character over 8 digits. */
function orgCodeCheck(body: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (body.charCodeAt(i) - 48) * w[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Unique per i (7919 is coprime with 10^8), valid GB 32100 check character. */
function creditCode(i: number, kind: Kind, region: string): string {
  const prefix = kind === 'gov' ? '11' : kind === 'health' || kind === 'edu' ? '12' : '91';
  const body = String((i * 7919 + 10_000_019) % 100_000_000).padStart(8, '0');
  const first17 = `${prefix}${region}${body}${orgCodeCheck(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Unique per k: prefix by k mod 20, the rest a bijection of k div 20 (48271 is coprime with 10^8). */
function mobile(k: number): string {
  const p = MOBILE_PREFIXES[k % MOBILE_PREFIXES.length];
  const j = Math.floor(k / MOBILE_PREFIXES.length);
  return p + String((j * 48271 + 13_579) % 100_000_000).padStart(8, '0');
}

interface Batch {
  customers: {
    id: string[];
    name: string[];
    cc: string[];
    tier: string[];
    industry: string[];
    region: string[];
    green: boolean[];
    am: (string | null)[];
  };
  contacts: { customer: string[]; name: string[]; mobile: string[]; role: string[] };
  sites: { id: string[]; customer: string[]; name: string[]; region: string[]; address: string[] };
  services: { customer: string[]; product: string[]; site: string[]; accessNo: string[]; state: string[] };
}

/** Customers [from, to); contact mobiles numbered from the customer index so batches stay independent. */
export function makeBatch(from: number, to: number, managers: Map<string, string[]>): Batch {
  const b: Batch = {
    customers: { id: [], name: [], cc: [], tier: [], industry: [], region: [], green: [], am: [] },
    contacts: { customer: [], name: [], mobile: [], role: [] },
    sites: { id: [], customer: [], name: [], region: [], address: [] },
    services: { customer: [], product: [], site: [], accessNo: [], state: [] },
  };
  for (let i = from; i < to; i++) {
    const r = rng(i + 1);
    const a = r.weighted(AREAS);
    const { kind } = r.weighted(KINDS);
    const { name, industry } = nameFor(r, kind, a);
    const id = randomUUID();
    const ams = managers.get(a.abbr) ?? managers.get('GD') ?? [];
    b.customers.id.push(id);
    b.customers.name.push(name);
    b.customers.cc.push(creditCode(i, kind, a.code));
    b.customers.tier.push(r.chance(0.05) ? 'strategic' : r.chance(0.27) ? 'key' : 'standard');
    b.customers.industry.push(industry);
    b.customers.region.push(a.code);
    b.customers.green.push(r.chance(kind === 'gov' || kind === 'health' ? 0.4 : 0.05));
    b.customers.am.push(ams.length && r.chance(0.85) ? r.pick(ams) : null);

    const contacts = r.chance(0.5) ? 2 : 1;
    for (let k = 0; k < contacts; k++) {
      b.contacts.customer.push(id);
      b.contacts.name.push(r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.6) ? r.pick(GIVEN) : ''));
      b.contacts.mobile.push(mobile(i * 2 + k));
      b.contacts.role.push(k === 0 ? 'primary' : r.pick(['technical', 'billing', 'executive', 'other']));
    }

    // One site; one in ten customers has it in another city (a branch, a factory).
    const siteArea = r.chance(0.1) ? r.weighted(AREAS) : a;
    const siteId = randomUUID();
    b.sites.id.push(siteId);
    b.sites.customer.push(id);
    b.sites.name.push(`${siteArea === a ? '' : short(siteArea.city)}${r.pick(SITE_NAMES[kind])}`);
    b.sites.region.push(siteArea.code);
    b.sites.address.push(
      `${siteArea.province === siteArea.city ? '' : siteArea.province}${placeOf(siteArea)}${r.pick(siteArea.towns)}${r.pick(ROADS)}${1 + r.int(300)}号`,
    );

    const product = r.weighted(PRODUCTS).code;
    b.services.customer.push(id);
    b.services.product.push(product);
    b.services.site.push(siteId);
    b.services.accessNo.push(`${siteArea.abbr}-${product}-${String(i).padStart(7, '0')}`);
    b.services.state.push(r.chance(0.9) ? 'active' : r.pick(['pending', 'suspended', 'terminated']));
  }
  return b;
}

async function insertBatch(client: PoolClient, b: Batch): Promise<number> {
  await client.query('BEGIN');
  try {
    const c = b.customers;
    await client.query(
      `INSERT INTO customers (id, name, credit_code, tier, industry, home_region, green_channel, account_manager_id, version)
       SELECT id, name, cc, tier, industry, region, green, am, 1
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::uuid[])
         AS t(id, name, cc, tier, industry, region, green, am)`,
      [c.id, c.name, c.cc, c.tier, c.industry, c.region, c.green, c.am],
    );
    const k = b.contacts;
    await client.query(
      `INSERT INTO customer_contacts (customer_id, name, mobile, role, version)
       SELECT customer_id, name, mobile, role, 1 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(customer_id, name, mobile, role)`,
      [k.customer, k.name, k.mobile, k.role],
    );
    const s = b.sites;
    await client.query(
      `INSERT INTO customer_sites (id, customer_id, name, region, address, version)
       SELECT id, customer_id, name, region, address, 1 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS t(id, customer_id, name, region, address)`,
      [s.id, s.customer, s.name, s.region, s.address],
    );
    const v = b.services;
    await client.query(
      `INSERT INTO service_instances (customer_id, product_code, site_id, access_no, state, version)
       SELECT customer_id, product, site_id, access_no, state, 1 FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[]) AS t(customer_id, product, site_id, access_no, state)`,
      [v.customer, v.product, v.site, v.accessNo, v.state],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return b.customers.id.length + b.contacts.customer.length + b.sites.id.length + b.services.customer.length;
}

// ---------------------------------------------------------------- database and server

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/bench/i.test(name)) throw new Error(`Refusing to drop database "${name}": a bench database name must contain "bench"`);
  return name;
}

/** Runs one statement on the server's `postgres` database (creating or dropping the bench's own). */
async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const quotedName = (url: string) => `"${databaseName(url).replace(/"/g, '""')}"`;

async function dropDatabase(url: string): Promise<void> {
  await adminQuery(url, `DROP DATABASE IF EXISTS ${quotedName(url)} WITH (FORCE)`);
}

async function recreateDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await adminQuery(url, `CREATE DATABASE ${quotedName(url)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

class Server {
  private child?: ChildProcess;
  private tail: string[] = [];
  private exited?: Promise<void>;
  readonly adminPassword = generatePassword();
  readonly url: string;

  constructor(readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  start(): void {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(this.port),
      DATABASE_URL,
      REDIS_URL,
      QUEUE_PREFIX,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: this.adminPassword,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      LOG_LEVEL: 'warn',
      RUN_MIGRATIONS: 'true',
    };
    const child = spawn(process.execPath, [MAIN_JS, '--with-workers'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        process.stderr.write(`[server] ${line}\n`);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitReady(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`The server exited during start-up:\n${this.tail.join('\n')}`);
      const ok = await fetch(`${this.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`The server was not ready within ${timeoutMs / 1000} s:\n${this.tail.join('\n')}`);
  }

  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGTERM');
    const killed = await Promise.race([this.exited!.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** CPU time (user + system) the server process has used so far, in ms; null where /proc is missing. */
  cpuMs(): number | null {
    try {
      const fields = readFileSync(`/proc/${this.child!.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
    } catch {
      return null;
    }
  }

  /** Last resort from a synchronous 'exit' handler. */
  killNow(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }
}

async function api<T>(server: Server, method: string, url: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

// ---------------------------------------------------------------- measurement

interface Scenario {
  key: string;
  label: string;
  target: number | null;
  values: string[] | null; // null: /health/live
}

interface RunResult {
  rps: number;
  /** Server process CPU per request, µs (null without /proc). */
  cpuUs: number | null;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function measure(server: Server, token: string, s: Scenario, seconds: number): Promise<RunResult> {
  let next = Math.floor(Math.random() * 1_000_000);
  const values = s.values;
  const opts: autocannon.Options = {
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          req.path = values ? `/api/v1/customers?q=${encodeURIComponent(values[next++ % values.length])}` : '/health/live';
          return req;
        },
      },
    ],
  };
  const cpuBefore = server.cpuMs();
  return new Promise((resolve, reject) => {
    autocannon(opts, (err: Error | null, r) => {
      if (err) return reject(err);
      const cpuAfter = server.cpuMs();
      const cpuUs =
        cpuBefore === null || cpuAfter === null || !r.requests.total ? null : ((cpuAfter - cpuBefore) * 1000) / r.requests.total;
      resolve({
        cpuUs,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors,
      }); // errors include timeouts
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Every lookup value must find what it should before it is timed. */
async function sanityCheck(server: Server, token: string, s: Scenario): Promise<void> {
  for (const v of s.values!.slice(0, 25)) {
    const page = await api<{ total: number; items: unknown[] }>(server, 'GET', `/api/v1/customers?q=${encodeURIComponent(v)}`, token);
    const exact = s.key === 'mobile' || s.key === 'credit' || s.key === 'typed' || s.key === 'caseno';
    if (exact ? page.total !== 1 : page.total < 1) throw new Error(`Sanity check failed: q=${v} found ${page.total} customers`);
  }
}

// ---------------------------------------------------------------- plans

/** Captures the SQL that CustomersService.list sends, so EXPLAIN runs on exactly that. */
class CaptureLogger implements OrmLogger {
  queries: { sql: string; params: unknown[] }[] = [];
  logQuery(query: string, parameters?: unknown[]) {
    if (/^\s*SELECT/i.test(query)) this.queries.push({ sql: query, params: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

interface Plan {
  label: string;
  q: string;
  hits: number;
  queries: { sql: string; plan: string; ms: number; indexes: string[] }[];
}

async function explainLookups(pool: Pool, adminId: string, lookups: { label: string; q: string }[]): Promise<Plan[]> {
  const logger = new CaptureLogger();
  const ds = new DataSource({
    type: 'postgres',
    url: DATABASE_URL,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [Customer, Contact, Site, ServiceInstance, AccountManagerTransfer],
    logging: ['query'],
    logger,
    poolSize: 1,
  });
  await ds.initialize();
  try {
    // Only the data source is used by list(); the other collaborators are not touched on this path.
    const service = new CustomersService(ds, null as never, null as never, null as never, null as never, new ConsoleCustomerReferences(ds));
    const auth: AuthContext = { staffId: adminId, username: 'admin', roles: ['admin'], scopes: [''] };
    const plans: Plan[] = [];
    for (const { label, q } of lookups) {
      logger.queries = [];
      const page = await service.list(auth, Object.assign(new CustomerQuery(), { q, limit: 50, offset: 0 }));
      const queries = [];
      for (const { sql, params } of logger.queries) {
        // Five times: the machine is shared, one EXPLAIN ANALYZE alone is noise. Median time, last plan.
        let plan = '';
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
          plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
          times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN));
        }
        const ms = median(times);
        const indexes = [
          ...new Set([...plan.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1])),
        ];
        queries.push({ sql, plan, ms, indexes });
      }
      plans.push({ label, q, hits: page.total, queries });
    }
    return plans;
  } finally {
    await ds.destroy();
  }
}

// ---------------------------------------------------------------- main

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main(): Promise<void> {
  const started = Date.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const loadBefore = os.loadavg();
  databaseName(DATABASE_URL);
  console.log(`Customer lookup bench: ${fmt(CUSTOMERS)} customers, ${CONNECTIONS} connections, ${RUNS} × ${DURATION} s per scenario`);

  await recreateDatabase(DATABASE_URL);
  await clearBenchKeys();
  const server = new Server(await freePort());
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: stopping the server`);
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => server.killNow());

  const pool = new Pool({ connectionString: DATABASE_URL, max: Math.max(2, LOADERS), application_name: 'focus-one-bench' });
  try {
    server.start();
    await server.waitReady();
    console.log(`server ready on ${server.url} after ${((Date.now() - started) / 1000).toFixed(1)} s (database created and migrated)`);

    const { accessToken: token } = await api<{ accessToken: string }>(server, 'POST', '/api/v1/auth/token', null, {
      username: 'admin',
      password: server.adminPassword,
    });

    // Account managers through the API (passwords are random and thrown away).
    const managers = new Map<string, string[]>();
    const amScopes: [abbr: string, region: string, names: string[]][] = [
      ['GZ', '440100', ['李娜', '陈志明']],
      ['SZ', '440300', ['张伟', '吴晓东']],
      ['FS', '440600', ['何伟明', '冯丽华']],
      ['DG', '441900', ['钟志华']],
      ['GD', '440000', ['黄嘉欣']],
      ['BJ', '110000', ['王芳', '刘洋']],
      ['SH', '310000', ['孙磊', '周静']],
    ];
    for (const [abbr, region, names] of amScopes) {
      for (const [n, displayName] of names.entries()) {
        const staff = await api<{ id: string }>(server, 'POST', '/api/v1/staff', token, {
          username: `bench.am.${abbr.toLowerCase()}${n + 1}`,
          password: generatePassword(),
          displayName,
          roles: ['account_manager'],
          regions: [region],
        });
        managers.set(abbr, [...(managers.get(abbr) ?? []), staff.id]);
      }
    }

    // ---- bulk load
    const loadStart = Date.now();
    let rows = 0;
    let nextFrom = 0;
    let done = 0;
    const loader = async () => {
      const client = await pool.connect();
      try {
        while (nextFrom < CUSTOMERS) {
          const from = nextFrom;
          const to = Math.min(from + BATCH, CUSTOMERS);
          nextFrom = to;
          const inserted = await insertBatch(client, makeBatch(from, to, managers));
          rows += inserted; // not `rows += await …`: that reads `rows` before the await and loses the other loader's rows
          done += to - from;
          if (process.stdout.isTTY) process.stdout.write(`\rloaded ${fmt(done)} / ${fmt(CUSTOMERS)} customers`);
          else if (done % 25_000 === 0) console.log(`loaded ${fmt(done)} / ${fmt(CUSTOMERS)} customers`);
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: LOADERS }, loader));
    const loadSeconds = (Date.now() - loadStart) / 1000;
    // Open faults for a fifth of the customers (case_index rows: all a lookup by case number reads), issue 11.
    await pool.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at)
       SELECT 'fault', gen_random_uuid(), 'FLT-20261130-' || lpad(row_number() OVER ()::text, 6, '0'), id, home_region, '专线中断',
              'acknowledged', 2, false, true, now()
         FROM (SELECT id, home_region FROM customers ORDER BY id LIMIT $1) c`,
      [Math.ceil(CUSTOMERS / 5)],
    );
    const analyzeStart = Date.now();
    // VACUUM also flushes the GIN pending list and sets the visibility map, as autovacuum would after a load.
    await pool.query('VACUUM (ANALYZE)');
    const analyzeSeconds = (Date.now() - analyzeStart) / 1000;
    const counts = (
      await pool.query(`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM customer_contacts) AS contacts,
        (SELECT count(*) FROM customer_sites) AS sites, (SELECT count(*) FROM service_instances) AS services,
        pg_size_pretty(pg_database_size(current_database())) AS size`)
    ).rows[0] as Record<string, string>;
    console.log(
      `\nloaded ${fmt(rows)} rows (${counts.customers} customers, ${counts.contacts} contacts, ${counts.sites} sites, ${counts.services} service instances) ` +
        `in ${loadSeconds.toFixed(1)} s = ${fmt(rows / loadSeconds)} rows/s (${fmt(CUSTOMERS / loadSeconds)} customers/s); VACUUM ANALYZE ${analyzeSeconds.toFixed(1)} s; database ${counts.size}`,
    );

    // ---- lookup values: real rows, many of them, in random order
    const sample = async (sql: string) => (await pool.query(sql)).rows.map((r: { v: string }) => r.v);
    const mobiles = await sample('SELECT mobile AS v FROM customer_contacts ORDER BY random() LIMIT 5000');
    const credits = await sample('SELECT credit_code AS v FROM customers ORDER BY random() LIMIT 5000');
    // Issue 11's search paths: a mobile as people type it, a contact's name, a case number.
    const typed = [
      (m: string) => `+86 ${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`,
      (m: string) => `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`,
      (m: string) => `86${m}`,
      (m: string) => m.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
    ];
    const typedMobiles = mobiles.map((m, i) => typed[i % typed.length](m));
    const contactNames = await sample('SELECT name AS v FROM customer_contacts ORDER BY random() LIMIT 5000');
    const caseNos = await sample('SELECT case_no AS v FROM case_index ORDER BY random() LIMIT 5000');
    const hitsOf = async (fragments: string[]) => {
      const { rows: hit } = await pool.query(
        `SELECT f AS fragment, (SELECT count(*) FROM customers WHERE archived_at IS NULL AND name_bigrams @> focus_one_bigrams(f) AND lower(name) LIKE '%' || f || '%')::int AS hits
         FROM unnest($1::text[]) AS f`,
        [fragments],
      );
      return (hit as { fragment: string; hits: number }[]).filter((h) => h.hits > 0).sort((a, b) => b.hits - a.hits);
    };
    // Fragments a hotline agent types: districts, towns, kinds of organisation, trades.
    const selective = await hitsOf([
      '南海',
      '顺德',
      '禅城',
      '三水',
      '天河',
      '越秀',
      '番禺',
      '白云',
      '黄埔',
      '海珠',
      '南沙',
      '福田',
      '南山',
      '宝安',
      '龙岗',
      '罗湖',
      '龙华',
      '桂城',
      '狮山',
      '大沥',
      '虎门',
      '长安',
      '松山',
      '蛇口',
      '华强',
      '张江',
      '陆家',
      '望京',
      '中关',
      '浦东',
      '海淀',
      '朝阳',
      '徐汇',
      '静安',
      '医院',
      '中医',
      '妇幼',
      '卫生',
      '中学',
      '小学',
      '学校',
      '公安',
      '法院',
      '税务',
      '应急',
      '水务',
      '街道',
      '支行',
      '保险',
      '证券',
      '电子',
      '机械',
      '五金',
      '陶瓷',
      '铝业',
      '家具',
      '照明',
      '纺织',
      '物流',
      '医药',
      '软件',
      '能源',
      '光电',
      '器械',
      '酒店',
      '传媒',
    ]);
    // Whole cities or the words in every company name: tens of thousands of rows each.
    const broad = await hitsOf(['广州', '深圳', '佛山', '东莞', '北京', '上海', '科技', '有限', '公司', '广东']);
    if (!selective.length || !broad.length) throw new Error('No name fragment finds a customer: load more customers (BENCH_CUSTOMERS)');
    const describe = (h: { fragment: string; hits: number }[]) =>
      `${h.length} fragments, ${fmt(Math.min(...h.map((x) => x.hits)))}–${fmt(Math.max(...h.map((x) => x.hits)))} rows each (median ${fmt(median(h.map((x) => x.hits)))})`;
    console.log(`name fragments: selective ${describe(selective)}; broad ${describe(broad)}`);
    const spread = (xs: string[], n: number) => {
      const r = rng(42);
      const out = Array.from({ length: n }, (_, i) => xs[i % xs.length]);
      for (let i = n - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };

    const scenarios: Scenario[] = [
      { key: 'live', label: 'GET /health/live (baseline)', target: null, values: null },
      { key: 'mobile', label: 'q=<contact mobile>', target: 20, values: mobiles },
      { key: 'credit', label: 'q=<credit code>', target: 20, values: credits },
      { key: 'typed', label: 'q=<mobile as typed: +86 133 …, 133-…, 86…, full-width>', target: 20, values: typedMobiles },
      { key: 'caseno', label: 'q=<case number FLT-…>', target: 20, values: caseNos },
      { key: 'contact', label: 'q=<contact name 王伟, 李娜芳…>', target: 50, values: contactNames },
      {
        key: 'name',
        label: 'q=<2-char name fragment>',
        target: 50,
        values: spread(
          selective.map((h) => h.fragment),
          5000,
        ),
      },
      {
        key: 'broad',
        label: 'q=<broad 2-char fragment: city, 科技, 有限>',
        target: 50,
        values: spread(
          broad.map((h) => h.fragment),
          5000,
        ),
      },
    ];
    for (const s of scenarios) if (s.values) await sanityCheck(server, token, s);

    // ---- warm-up, then interleaved runs (a noisy neighbour hits every scenario alike)
    for (const s of scenarios) await measure(server, token, s, WARMUP);
    const results = new Map<string, RunResult[]>(scenarios.map((s) => [s.key, []]));
    for (let run = 1; run <= RUNS; run++) {
      for (const s of scenarios) {
        const r = await measure(server, token, s, DURATION);
        results.get(s.key)!.push(r);
        console.log(
          `run ${run} ${s.label.padEnd(44)} ${fmt(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs === null ? '?' : fmt(r.cpuUs)} µs/req${r.non2xx || r.errors ? `  non-2xx ${r.non2xx} errors ${r.errors}` : ''}`,
        );
      }
    }

    // ---- plans of the exact SQL the service runs
    const adminId = (await pool.query(`SELECT id FROM staff WHERE username = 'admin'`)).rows[0].id as string;
    const plans = await explainLookups(pool, adminId, [
      { label: 'contact mobile', q: mobiles[0] },
      { label: 'credit code', q: credits[0] },
      { label: 'mobile as typed', q: typedMobiles[0] },
      { label: 'case number', q: caseNos[0] },
      { label: `contact name ${contactNames[0]}`, q: contactNames[0] },
      { label: 'name fragment 南海', q: '南海' },
      { label: 'name fragment 医院', q: '医院' },
      { label: `broad fragment ${broad[0].fragment}`, q: broad[0].fragment },
    ]);

    // ---- report
    const med = (key: string) => {
      const rs = results.get(key)!;
      const cpu = rs.map((r) => r.cpuUs).filter((c): c is number => c !== null);
      return {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpuUs: cpu.length ? median(cpu) : null,
      };
    };
    const live = med('live');
    const lines: string[] = [];
    lines.push(`# Customer lookups — ${new Date().toISOString()}`, '');
    lines.push(
      `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average (1/5/15 min) ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the bench and ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} after the measurements; ` +
        `PostgreSQL ${(await pool.query('SHOW server_version')).rows[0].server_version}, Redis ${await redisVersion()}, Node ${process.version}. ` +
        `The server, PostgreSQL, Redis, autocannon and whatever else runs on the machine share these cores.`,
      '',
    );
    lines.push(
      `Data: ${counts.customers} customers, ${counts.contacts} contacts, ${counts.sites} sites, ${counts.services} service instances (${counts.size}); ` +
        `loaded in ${loadSeconds.toFixed(1)} s through unnest() batches of ${fmt(BATCH)} on ${LOADERS} connections = ${fmt(rows / loadSeconds)} rows/s ` +
        `(${fmt(CUSTOMERS / loadSeconds)} customers/s); VACUUM (ANALYZE) ${analyzeSeconds.toFixed(1)} s.`,
      '',
    );
    lines.push(
      `Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${RUNS} runs per scenario interleaved, after a ${WARMUP} s warm-up; ` +
        `admin bearer token; every request takes the next of ${fmt(mobiles.length)} mobiles / ${fmt(credits.length)} credit codes / ` +
        `${selective.length} selective fragments (${describe(selective)}) / ${broad.length} broad fragments (${describe(broad)}). ` +
        `Latencies are autocannon's (1 ms resolution).`,
      '',
    );
    lines.push(
      '| Scenario | req/s (median) | p50 ms | p99 ms | p99 target | req/s vs live | p99 vs live | server CPU µs/req | runs: req/s · p50 · p99 |',
    );
    lines.push('|---|---:|---:|---:|---|---:|---:|---:|---|');
    let failed = false;
    for (const s of scenarios) {
      const m = med(s.key);
      const rs = results.get(s.key)!;
      const errs = rs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      if (errs) failed = true;
      const target = s.target === null ? '—' : `< ${s.target} ms ${m.p99 < s.target ? 'met' : '**missed**'}`;
      lines.push(
        `| ${s.label} | ${fmt(m.rps)} | ${m.p50} | ${m.p99} | ${target} | ${((m.rps / live.rps) * 100).toFixed(1)} % | ` +
          `× ${(m.p99 / Math.max(live.p99, 1)).toFixed(1)} | ${m.cpuUs === null ? '?' : fmt(m.cpuUs)} | ${rs.map((r) => `${fmt(r.rps)} · ${r.p50} · ${r.p99}`).join(' / ')}${errs ? ` — **${errs} non-2xx/errors**` : ''} |`,
      );
    }
    lines.push('', '## Plans (EXPLAIN ANALYZE of the SQL CustomersService.list sends; median execution time of 5, server idle)', '');
    lines.push('| Lookup | rows found | page query | count query | indexes in the plan |', '|---|---:|---:|---:|---|');
    for (const p of plans) {
      // TypeORM skips the count query when the first page holds every row.
      const ms = (i: number) => (p.queries[i] ? `${p.queries[i].ms.toFixed(2)} ms` : '— (skipped)');
      lines.push(
        `| ${p.label} | ${fmt(p.hits)} | ${ms(0)} | ${ms(1)} | ${[...new Set(p.queries.flatMap((q) => q.indexes))].join(', ') || 'none (sequential scan)'} |`,
      );
    }
    for (const p of plans) {
      lines.push('', `### ${p.label} (q=${p.q})`, '');
      for (const q of p.queries) lines.push('```sql', q.sql.trim(), '```', '```', q.plan, '```');
    }
    lines.push('', `Selective fragments and rows found: ${selective.map((h) => `${h.fragment} ${h.hits}`).join(', ')}.`);
    lines.push('', `Broad fragments and rows found: ${broad.map((h) => `${h.fragment} ${h.hits}`).join(', ')}.`);
    lines.push('', `Total bench time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    const report = lines.join('\n') + '\n';

    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `customers-${stamp}.md`);
    writeFileSync(file, report);
    console.log(`\n${report}\nwritten to ${path.relative(process.cwd(), file)}`);
    if (failed) {
      console.error('Some requests failed (non-2xx or socket errors): the figures above are not valid.');
      process.exitCode = 1;
    }
  } finally {
    await pool.end().catch(() => undefined);
    await server.stop();
    // Nothing left behind unless asked: the queue keys, and the database.
    const keys = await clearBenchKeys();
    if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`removed ${keys} Redis keys; kept the database ${databaseName(DATABASE_URL)}`);
    else {
      await dropDatabase(DATABASE_URL);
      console.log(`removed ${keys} Redis keys and the database`);
    }
  }
}

/** Like the database, the bench's Redis keys start empty: no queue state left from an earlier run. */
async function clearBenchKeys(): Promise<number> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

async function redisVersion(): Promise<string> {
  const redis = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  } catch {
    return '?';
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('Bench failed:', err);
    process.exitCode = 1;
  });
}
