import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { prepareDatabase } from '../bootstrap';
import type { AuthContext, Role } from '../common/auth/auth-context';
import { scopePrefix } from '../common/auth/region-scope';
import { AppConfig, ConfigError } from '../config/app-config';
import { creditCodeCheckChar } from '../customers/credit-code';
import { CustomerPartsService } from '../customers/customer-parts.service';
import type { Tier } from '../customers/customer-record.port';
import { creditCodesInUse } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import type { ContactRole } from '../customers/customer-record.port';
import type { ServiceState } from '../customers/service-instance.entity';
import { generatePassword } from '../common/auth/passwords';
import { StaffService } from '../staff/staff.service';
import { activeStaffHolding, activeStaffNamed, allUsernames, firstActiveAdmin } from '../staff/staff.repository';

/**
 * Demo data for a developer or a showcase install: staff for every role with
 * region scopes across Guangdong, Beijing and Shanghai, and about fifty key-account
 * customers with contacts, sites and service instances.
 *
 *   DATABASE_URL=postgres://… npm run seed
 *
 * Idempotent: existing staff (by username) and customers (by credit code) are
 * left alone. New staff get a freshly generated password, printed once at the
 * end; no password is ever written in this file or stored in clear anywhere.
 */

// ---------------------------------------------------------------- staff

interface DemoStaff {
  username: string;
  displayName: string;
  roles: Role[];
  regions: string[];
}

const STAFF: DemoStaff[] = [
  { username: 'director.gd', displayName: '陈建国', roles: ['director'], regions: ['440000'] },
  { username: 'director.bj', displayName: '刘志强', roles: ['director'], regions: ['110000'] },
  { username: 'director.sh', displayName: '周慧敏', roles: ['director'], regions: ['310000'] },

  { username: 'agent.gd', displayName: '黄晓燕', roles: ['agent'], regions: ['440000'] },
  { username: 'agent.fs', displayName: '梁嘉欣', roles: ['agent'], regions: ['440600'] },
  { username: 'agent.bj', displayName: '赵丽', roles: ['agent'], regions: ['110000'] },
  { username: 'agent.sh', displayName: '徐静', roles: ['agent'], regions: ['310000'] },

  { username: 'am.gz', displayName: '李娜', roles: ['account_manager'], regions: ['440100'] },
  { username: 'am.sz', displayName: '张伟', roles: ['account_manager'], regions: ['440300'] },
  { username: 'am.fs', displayName: '何伟明', roles: ['account_manager'], regions: ['440600'] },
  { username: 'am.nanhai', displayName: '冯丽华', roles: ['account_manager'], regions: ['440605'] },
  { username: 'am.dg', displayName: '钟志华', roles: ['account_manager'], regions: ['441900'] },
  { username: 'am.bj', displayName: '王芳', roles: ['account_manager'], regions: ['110000'] },
  { username: 'am.sh', displayName: '孙磊', roles: ['account_manager'], regions: ['310000'] },

  { username: 'fulfilment.gd', displayName: '罗文杰', roles: ['fulfilment'], regions: ['440000'] },
  { username: 'fulfilment.bj', displayName: '马超', roles: ['fulfilment'], regions: ['110000'] },
  { username: 'fulfilment.sh', displayName: '朱晓东', roles: ['fulfilment'], regions: ['310000'] },

  { username: 'engineer.gz', displayName: '吴国栋', roles: ['engineer'], regions: ['440100'] },
  { username: 'engineer.sz', displayName: '郑海涛', roles: ['engineer'], regions: ['440300', '441900'] },
  { username: 'engineer.fs', displayName: '谭永康', roles: ['engineer'], regions: ['440600'] },
  { username: 'engineer.bj', displayName: '高鹏', roles: ['engineer'], regions: ['110000'] },
  { username: 'engineer.sh', displayName: '沈一帆', roles: ['engineer'], regions: ['310000'] },

  { username: 'billing.gd', displayName: '林美玲', roles: ['billing'], regions: ['440000'] },
  { username: 'billing.bj', displayName: '杨帆', roles: ['billing'], regions: ['110000'] },
  { username: 'billing.sh', displayName: '顾佳', roles: ['billing'], regions: ['310000'] },
];

// ---------------------------------------------------------------- customers

/** gov: 机关 (11…), inst: 事业单位 (12…), ent: 企业 (91…) — the first two characters of the credit code. */
type Kind = 'gov' | 'inst' | 'ent';
type Product = 'DIA' | 'MPLS_VPN' | 'SDWAN' | 'IDC_RACK' | 'CLOUD_HOST' | 'VIDEO_CONF' | 'CONF_CALL' | 'EMERGENCY_COMM';

interface DemoCustomer {
  name: string;
  kind: Kind;
  tier: Tier;
  industry: string;
  home: string;
  green?: boolean;
  /** Username of the demo account manager. */
  am: string;
  contacts: [name: string, role: ContactRole][];
  /** Site names are unique per customer: service instances refer to their site by name. */
  sites: [name: string, region: string, address: string][];
  services: [product: Product, site: number, state?: ServiceState][];
}

const C = (c: DemoCustomer) => c;

const CUSTOMERS: DemoCustomer[] = [
  // ---- 广州
  C({
    name: '广州市越秀区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '440104',
    green: true,
    am: 'am.gz',
    contacts: [
      ['陈志明', 'primary'],
      ['黄伟', 'technical'],
      ['林小燕', 'billing'],
    ],
    sites: [
      ['区政府机关大楼', '440104', '广东省广州市越秀区府前路1号'],
      ['越秀区政务服务中心', '440104', '广东省广州市越秀区东风中路318号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['DIA', 0],
      ['VIDEO_CONF', 1],
    ],
  }),
  C({
    name: '广州市天河区教育局',
    kind: 'gov',
    tier: 'key',
    industry: 'education',
    home: '440106',
    am: 'am.gz',
    contacts: [
      ['刘海燕', 'primary'],
      ['邓建华', 'technical'],
    ],
    sites: [
      ['教育局办公楼', '440106', '广东省广州市天河区天河路28号'],
      ['天河区教育信息中心', '440106', '广东省广州市天河区体育西路103号'],
    ],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 1],
    ],
  }),
  C({
    name: '广州市白云区应急管理局',
    kind: 'gov',
    tier: 'key',
    industry: 'emergency_management',
    home: '440111',
    green: true,
    am: 'am.gz',
    contacts: [
      ['曾国平', 'primary'],
      ['温子健', 'technical'],
    ],
    sites: [['应急指挥中心', '440111', '广东省广州市白云区广园中路438号']],
    services: [
      ['EMERGENCY_COMM', 0],
      ['CONF_CALL', 0],
    ],
  }),
  C({
    name: '广州市第一人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '440104',
    green: true,
    am: 'am.gz',
    contacts: [
      ['欧阳明', 'executive'],
      ['苏晓峰', 'technical'],
      ['叶丽萍', 'billing'],
    ],
    sites: [
      ['院本部', '440104', '广东省广州市越秀区盘福路1号'],
      ['南沙院区', '440115', '广东省广州市南沙区环市大道中1号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['DIA', 0],
      ['IDC_RACK', 1],
    ],
  }),
  C({
    name: '广州市番禺区中心医院',
    kind: 'inst',
    tier: 'key',
    industry: 'healthcare',
    home: '440113',
    green: true,
    am: 'am.gz',
    contacts: [
      ['何文彬', 'primary'],
      ['卢嘉豪', 'technical'],
    ],
    sites: [['门诊住院大楼', '440113', '广东省广州市番禺区桥南街福愉东路8号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),
  C({
    name: '广州市海珠区妇幼保健院',
    kind: 'inst',
    tier: 'standard',
    industry: 'healthcare',
    home: '440105',
    am: 'am.gz',
    contacts: [['梁晓红', 'primary']],
    sites: [['保健院本部', '440105', '广东省广州市海珠区宝岗大道南98号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '广州穗丰汽车零部件有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'manufacturing',
    home: '440112',
    am: 'am.gz',
    contacts: [
      ['谢国强', 'primary'],
      ['区永健', 'technical'],
    ],
    sites: [
      ['黄埔总部工厂', '440112', '广东省广州市黄埔区开发大道168号'],
      ['顺德分厂', '440606', '广东省佛山市顺德区容桂街道华口工业区12号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '广州羊城智慧物流股份有限公司',
    kind: 'ent',
    tier: 'standard',
    industry: 'logistics',
    home: '440111',
    am: 'am.gz',
    contacts: [
      ['麦振华', 'primary'],
      ['冯洁', 'billing'],
    ],
    sites: [
      ['白云物流园', '440111', '广东省广州市白云区太和镇物流大道66号'],
      ['南沙仓储中心', '440115', '广东省广州市南沙区港前大道88号'],
    ],
    services: [
      ['SDWAN', 0],
      ['CLOUD_HOST', 1],
    ],
  }),
  C({
    name: '广州珠江城商银行股份有限公司',
    kind: 'ent',
    tier: 'strategic',
    industry: 'finance',
    home: '440106',
    green: true,
    am: 'am.gz',
    contacts: [
      ['潘志远', 'executive'],
      ['简文峰', 'technical'],
      ['甘淑仪', 'billing'],
    ],
    sites: [
      ['总行数据中心', '440106', '广东省广州市天河区珠江新城华夏路10号'],
      ['番禺支行', '440113', '广东省广州市番禺区市桥街清河东路319号'],
      ['佛山分行', '440604', '广东省佛山市禅城区季华五路22号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 2],
      ['IDC_RACK', 0],
    ],
  }),
  C({
    name: '广州南沙港航科技有限公司',
    kind: 'ent',
    tier: 'standard',
    industry: 'transport',
    home: '440115',
    am: 'am.gz',
    contacts: [['骆志坚', 'primary']],
    sites: [['港区调度中心', '440115', '广东省广州市南沙区龙穴街港荣一街1号']],
    services: [['DIA', 0]],
  }),

  // ---- 深圳
  C({
    name: '深圳市福田区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '440304',
    green: true,
    am: 'am.sz',
    contacts: [
      ['吴晓东', 'primary'],
      ['蔡俊杰', 'technical'],
    ],
    sites: [
      ['区政府大院', '440304', '广东省深圳市福田区福民路123号'],
      ['福田区政务数据中心', '440304', '广东省深圳市福田区深南大道6008号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['IDC_RACK', 1],
      ['VIDEO_CONF', 0],
    ],
  }),
  C({
    name: '深圳市南山区科技创新局',
    kind: 'gov',
    tier: 'key',
    industry: 'government',
    home: '440305',
    am: 'am.sz',
    contacts: [
      ['方丽君', 'primary'],
      ['袁志勇', 'technical'],
    ],
    sites: [['科创局办公楼', '440305', '广东省深圳市南山区桃园路2号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),
  C({
    name: '深圳市人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '440303',
    green: true,
    am: 'am.sz',
    contacts: [
      ['钟国华', 'executive'],
      ['彭伟', 'technical'],
      ['陆小红', 'billing'],
    ],
    sites: [
      ['东门院区', '440303', '广东省深圳市罗湖区东门北路1017号'],
      ['龙华分院', '440309', '广东省深圳市龙华区观澜大道2号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '深圳市宝安区中医院',
    kind: 'inst',
    tier: 'key',
    industry: 'healthcare',
    home: '440306',
    green: true,
    am: 'am.sz',
    contacts: [
      ['廖文辉', 'primary'],
      ['戴晓玲', 'technical'],
    ],
    sites: [['医院本部', '440306', '广东省深圳市宝安区裕安二路25号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),
  C({
    name: '深圳鹏城电子科技有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'electronics',
    home: '440305',
    am: 'am.sz',
    contacts: [
      ['严俊', 'primary'],
      ['邱志刚', 'technical'],
    ],
    sites: [
      ['南山研发中心', '440305', '广东省深圳市南山区科苑南路3099号'],
      ['东莞生产基地', '441900', '广东省东莞市松山湖园区工业北路6号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '深圳前海湾区数字银行股份有限公司',
    kind: 'ent',
    tier: 'strategic',
    industry: 'finance',
    home: '440305',
    green: true,
    am: 'am.sz',
    contacts: [
      ['韦思远', 'executive'],
      ['汤晓波', 'technical'],
    ],
    sites: [
      ['前海总部', '440305', '广东省深圳市南山区前海大道1号'],
      ['福田灾备中心', '440304', '广东省深圳市福田区益田路5033号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['IDC_RACK', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '深圳市龙岗区第三人民医院',
    kind: 'inst',
    tier: 'standard',
    industry: 'healthcare',
    home: '440307',
    am: 'am.sz',
    contacts: [['巫海峰', 'primary']],
    sites: [['医院本部', '440307', '广东省深圳市龙岗区横岗街道松柏路278号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '深圳华南精密制造有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'manufacturing',
    home: '440306',
    am: 'am.sz',
    contacts: [
      ['程立新', 'primary'],
      ['龚伟', 'technical'],
      ['姚丽', 'billing'],
    ],
    sites: [
      ['宝安总厂', '440306', '广东省深圳市宝安区福永街道凤凰工业区18号'],
      ['长安分厂', '441900', '广东省东莞市长安镇乌沙江贝路9号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
    ],
  }),
  C({
    name: '深圳市光明区政务服务数据管理局',
    kind: 'gov',
    tier: 'standard',
    industry: 'government',
    home: '440311',
    am: 'am.sz',
    contacts: [['卓敏', 'primary']],
    sites: [['光明区政务服务中心', '440311', '广东省深圳市光明区华夏路3号']],
    services: [['CLOUD_HOST', 0]],
  }),

  // ---- 佛山（含南海）
  C({
    name: '佛山市南海区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '440605',
    green: true,
    am: 'am.nanhai',
    contacts: [
      ['关志华', 'primary'],
      ['岑国明', 'technical'],
      ['邝美琪', 'billing'],
    ],
    sites: [
      ['区政府大楼', '440605', '广东省佛山市南海区桂城街道南海大道北1号'],
      ['南海区政务服务中心', '440605', '广东省佛山市南海区桂城街道海八路1号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['VIDEO_CONF', 0],
      ['DIA', 1],
    ],
  }),
  C({
    name: '佛山市南海区人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '440605',
    green: true,
    am: 'am.nanhai',
    contacts: [
      ['陆建新', 'executive'],
      ['招伟杰', 'technical'],
    ],
    sites: [
      ['院本部', '440605', '广东省佛山市南海区佛平路40号'],
      ['桂城分院', '440605', '广东省佛山市南海区桂城街道南桂东路2号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['IDC_RACK', 0],
    ],
  }),
  C({
    name: '佛山市南海区桂城街道办事处',
    kind: 'gov',
    tier: 'key',
    industry: 'government',
    home: '440605',
    am: 'am.nanhai',
    contacts: [['黎嘉敏', 'primary']],
    sites: [['街道办办公楼', '440605', '广东省佛山市南海区桂城街道南五路6号']],
    services: [
      ['DIA', 0],
      ['CONF_CALL', 0],
    ],
  }),
  C({
    name: '佛山市南海区教育局',
    kind: 'gov',
    tier: 'key',
    industry: 'education',
    home: '440605',
    am: 'am.nanhai',
    contacts: [
      ['霍文静', 'primary'],
      ['冼永成', 'technical'],
    ],
    sites: [
      ['教育局办公楼', '440605', '广东省佛山市南海区桂城街道南海大道北38号'],
      ['南海区教育城域网中心', '440605', '广东省佛山市南海区狮山镇博爱路1号'],
    ],
    services: [
      ['DIA', 0],
      ['MPLS_VPN', 1],
    ],
  }),
  C({
    name: '佛山市南海区中医院',
    kind: 'inst',
    tier: 'key',
    industry: 'healthcare',
    home: '440605',
    green: true,
    am: 'am.nanhai',
    contacts: [
      ['李振邦', 'primary'],
      ['潘慧', 'technical'],
    ],
    sites: [['医院本部', '440605', '广东省佛山市南海区桂城街道南海大道中42号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),
  C({
    name: '佛山南海铝型材制造有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'manufacturing',
    home: '440605',
    am: 'am.nanhai',
    contacts: [
      ['张永强', 'primary'],
      ['卢志明', 'technical'],
    ],
    sites: [
      ['大沥生产基地', '440605', '广东省佛山市南海区大沥镇黄岐工业区3号'],
      ['狮山新厂', '440605', '广东省佛山市南海区狮山镇小塘工业大道8号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '佛山市南海区狮山镇人民政府',
    kind: 'gov',
    tier: 'standard',
    industry: 'government',
    home: '440605',
    am: 'am.nanhai',
    contacts: [['伍伟成', 'primary']],
    sites: [['镇政府大楼', '440605', '广东省佛山市南海区狮山镇桃园东路97号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '佛山桂江农村商业银行股份有限公司',
    kind: 'ent',
    tier: 'strategic',
    industry: 'finance',
    home: '440605',
    green: true,
    am: 'am.nanhai',
    contacts: [
      ['邓志坚', 'executive'],
      ['郭晓敏', 'technical'],
      ['劳丽华', 'billing'],
    ],
    sites: [
      ['总行大楼', '440605', '广东省佛山市南海区桂城街道南海大道北26号'],
      ['禅城支行', '440604', '广东省佛山市禅城区汾江中路121号'],
      ['顺德支行', '440606', '广东省佛山市顺德区大良街道德和路5号'],
      ['广州天河支行', '440106', '广东省广州市天河区天河北路233号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['MPLS_VPN', 3],
    ],
  }),
  C({
    name: '佛山市禅城区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '440604',
    green: true,
    am: 'am.fs',
    contacts: [
      ['梁国荣', 'primary'],
      ['区嘉慧', 'technical'],
    ],
    sites: [['区政府大楼', '440604', '广东省佛山市禅城区同济西路16号']],
    services: [
      ['MPLS_VPN', 0],
      ['VIDEO_CONF', 0],
    ],
  }),
  C({
    name: '佛山市第一人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '440604',
    green: true,
    am: 'am.fs',
    contacts: [
      ['黄启明', 'executive'],
      ['陈晓峰', 'technical'],
    ],
    sites: [
      ['岭南大道院区', '440604', '广东省佛山市禅城区岭南大道北81号'],
      ['南海院区', '440605', '广东省佛山市南海区桂城街道海八东路16号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '佛山市顺德区公安局',
    kind: 'gov',
    tier: 'key',
    industry: 'public_security',
    home: '440606',
    green: true,
    am: 'am.fs',
    contacts: [
      ['罗振东', 'primary'],
      ['何晓军', 'technical'],
    ],
    sites: [['区公安局指挥中心', '440606', '广东省佛山市顺德区大良街道德民路28号']],
    services: [
      ['MPLS_VPN', 0],
      ['EMERGENCY_COMM', 0],
    ],
  }),
  C({
    name: '佛山顺德美家电器制造有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'manufacturing',
    home: '440606',
    am: 'am.fs',
    contacts: [
      ['周家豪', 'primary'],
      ['容志斌', 'technical'],
    ],
    sites: [
      ['北滘总部', '440606', '广东省佛山市顺德区北滘镇工业大道1号'],
      ['南海配件厂', '440605', '广东省佛山市南海区丹灶镇金沙大道20号'],
      ['广州营销中心', '440106', '广东省广州市天河区林和西路9号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
      ['SDWAN', 2],
    ],
  }),
  C({
    name: '佛山市三水区水务局',
    kind: 'gov',
    tier: 'standard',
    industry: 'government',
    home: '440607',
    am: 'am.fs',
    contacts: [['莫永安', 'primary']],
    sites: [['水务局办公楼', '440607', '广东省佛山市三水区西南街道广海大道中18号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '佛山禅城陶瓷进出口有限公司',
    kind: 'ent',
    tier: 'standard',
    industry: 'trade',
    home: '440604',
    am: 'am.fs',
    contacts: [
      ['吴丽芬', 'primary'],
      ['植嘉豪', 'billing'],
    ],
    sites: [['公司总部', '440604', '广东省佛山市禅城区江湾一路18号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),

  // ---- 东莞
  C({
    name: '东莞市人民政府办公室',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '441900',
    green: true,
    am: 'am.dg',
    contacts: [
      ['叶国雄', 'primary'],
      ['祁文涛', 'technical'],
    ],
    sites: [['市行政中心', '441900', '广东省东莞市南城街道鸿福路99号']],
    services: [
      ['MPLS_VPN', 0],
      ['VIDEO_CONF', 0],
      ['IDC_RACK', 0],
    ],
  }),
  C({
    name: '东莞市人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '441900',
    green: true,
    am: 'am.dg',
    contacts: [
      ['袁志明', 'executive'],
      ['黎伟强', 'technical'],
    ],
    sites: [
      ['万江院区', '441900', '广东省东莞市万江街道新谷涌万道路南3号'],
      ['红楼院区', '441900', '广东省东莞市莞城街道新芬路111号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
    ],
  }),
  C({
    name: '东莞松湖电子有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'electronics',
    home: '441900',
    am: 'am.dg',
    contacts: [
      ['尹俊峰', 'primary'],
      ['江小芸', 'technical'],
    ],
    sites: [
      ['松山湖工厂', '441900', '广东省东莞市松山湖园区新竹路4号'],
      ['深圳办事处', '440304', '广东省深圳市福田区华强北路1002号'],
    ],
    services: [
      ['SDWAN', 0],
      ['SDWAN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '东莞市虎门镇人民政府',
    kind: 'gov',
    tier: 'standard',
    industry: 'government',
    home: '441900',
    am: 'am.dg',
    contacts: [['郑伟华', 'primary']],
    sites: [['镇政府大楼', '441900', '广东省东莞市虎门镇连升中路338号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '东莞长安五金模具有限公司',
    kind: 'ent',
    tier: 'standard',
    industry: 'manufacturing',
    home: '441900',
    am: 'am.dg',
    contacts: [
      ['刘家明', 'primary'],
      ['蒋美华', 'billing'],
    ],
    sites: [['长安厂区', '441900', '广东省东莞市长安镇锦厦河南工业区7号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '东莞市公安局交通警察支队',
    kind: 'gov',
    tier: 'key',
    industry: 'public_security',
    home: '441900',
    green: true,
    am: 'am.dg',
    contacts: [
      ['黄建军', 'primary'],
      ['钱宇', 'technical'],
    ],
    sites: [
      ['交警支队指挥中心', '441900', '广东省东莞市南城街道宏伟路1号'],
      ['松山湖大队', '441900', '广东省东莞市松山湖园区科技九路2号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['EMERGENCY_COMM', 0],
    ],
  }),

  // ---- 北京
  C({
    name: '北京市朝阳区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '110105',
    green: true,
    am: 'am.bj',
    contacts: [
      ['王建平', 'primary'],
      ['李海龙', 'technical'],
    ],
    sites: [
      ['区政府办公区', '110105', '北京市朝阳区日坛北路33号'],
      ['朝阳区政务服务中心', '110105', '北京市朝阳区工人体育场北路甲2号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['VIDEO_CONF', 0],
      ['DIA', 1],
    ],
  }),
  C({
    name: '北京市海淀区卫生健康委员会',
    kind: 'gov',
    tier: 'key',
    industry: 'healthcare_admin',
    home: '110108',
    am: 'am.bj',
    contacts: [
      ['孟晓梅', 'primary'],
      ['白云飞', 'technical'],
    ],
    sites: [['卫健委办公楼', '110108', '北京市海淀区长春桥路17号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
    ],
  }),
  C({
    name: '首都医科大学附属北京朝阳医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '110105',
    green: true,
    am: 'am.bj',
    contacts: [
      ['贾志国', 'executive'],
      ['田晓光', 'technical'],
      ['邢丽', 'billing'],
    ],
    sites: [
      ['本部', '110105', '北京市朝阳区工人体育场南路8号'],
      ['西院', '110107', '北京市石景山区京原路5号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['IDC_RACK', 0],
    ],
  }),
  C({
    name: '北京京华商业银行股份有限公司',
    kind: 'ent',
    tier: 'strategic',
    industry: 'finance',
    home: '110102',
    green: true,
    am: 'am.bj',
    contacts: [
      ['常文博', 'executive'],
      ['于海洋', 'technical'],
      ['秦雪', 'billing'],
    ],
    sites: [
      ['总行', '110102', '北京市西城区金融大街9号'],
      ['亦庄数据中心', '110115', '北京市大兴区经海三路109号'],
      ['上海分行', '310115', '上海市浦东新区陆家嘴环路1000号'],
      ['广州分行', '440106', '广东省广州市天河区珠江新城花城大道20号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['IDC_RACK', 1],
      ['MPLS_VPN', 2],
    ],
  }),
  C({
    name: '北京中关村智算科技有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'internet',
    home: '110108',
    am: 'am.bj',
    contacts: [
      ['任浩', 'primary'],
      ['段晓婷', 'technical'],
    ],
    sites: [['中关村研发中心', '110108', '北京市海淀区中关村大街27号']],
    services: [
      ['DIA', 0],
      ['CLOUD_HOST', 0],
      ['IDC_RACK', 0],
    ],
  }),
  C({
    name: '北京市东城区教育委员会',
    kind: 'gov',
    tier: 'standard',
    industry: 'education',
    home: '110101',
    am: 'am.bj',
    contacts: [['苗静', 'primary']],
    sites: [['教委办公楼', '110101', '北京市东城区东四西大街31号']],
    services: [['DIA', 0]],
  }),

  // ---- 上海
  C({
    name: '上海市浦东新区人民政府',
    kind: 'gov',
    tier: 'strategic',
    industry: 'government',
    home: '310115',
    green: true,
    am: 'am.sh',
    contacts: [
      ['蒋文华', 'primary'],
      ['陶志军', 'technical'],
    ],
    sites: [
      ['区政府大楼', '310115', '上海市浦东新区世纪大道2001号'],
      ['浦东新区城运中心', '310115', '上海市浦东新区合欢路2号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['VIDEO_CONF', 0],
      ['EMERGENCY_COMM', 1],
    ],
  }),
  C({
    name: '上海市第六人民医院',
    kind: 'inst',
    tier: 'strategic',
    industry: 'healthcare',
    home: '310104',
    green: true,
    am: 'am.sh',
    contacts: [
      ['金晓东', 'executive'],
      ['施伟', 'technical'],
    ],
    sites: [
      ['徐汇院区', '310104', '上海市徐汇区宜山路600号'],
      ['临港院区', '310115', '上海市浦东新区南汇新城镇环湖西三路222号'],
    ],
    services: [
      ['MPLS_VPN', 0],
      ['MPLS_VPN', 1],
      ['DIA', 0],
    ],
  }),
  C({
    name: '上海浦江国际航运有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'transport',
    home: '310115',
    am: 'am.sh',
    contacts: [
      ['钱志豪', 'primary'],
      ['范丽娟', 'billing'],
    ],
    sites: [['外高桥调度中心', '310115', '上海市浦东新区港城路1000号']],
    services: [
      ['DIA', 0],
      ['SDWAN', 0],
    ],
  }),
  C({
    name: '上海张江生物医药科技有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'pharmaceutical',
    home: '310115',
    am: 'am.sh',
    contacts: [
      ['俞海', 'primary'],
      ['邵晨', 'technical'],
    ],
    sites: [
      ['张江研发中心', '310115', '上海市浦东新区张江路665号'],
      ['北京办事处', '110105', '北京市朝阳区建国路88号'],
    ],
    services: [
      ['DIA', 0],
      ['SDWAN', 1],
    ],
  }),
  C({
    name: '上海市闵行区市场监督管理局',
    kind: 'gov',
    tier: 'standard',
    industry: 'government',
    home: '310112',
    am: 'am.sh',
    contacts: [['胡敏', 'primary']],
    sites: [['区市场监管局', '310112', '上海市闵行区沪闵路6258号']],
    services: [['DIA', 0]],
  }),
  C({
    name: '上海陆家嘴金融信息服务有限公司',
    kind: 'ent',
    tier: 'key',
    industry: 'finance',
    home: '310115',
    green: true,
    am: 'am.sh',
    contacts: [
      ['诸葛明', 'executive'],
      ['华晓', 'technical'],
    ],
    sites: [
      ['陆家嘴办公区', '310115', '上海市浦东新区银城中路501号'],
      ['金桥数据中心', '310115', '上海市浦东新区金海路1000号'],
    ],
    services: [
      ['IDC_RACK', 1],
      ['DIA', 0],
      ['MPLS_VPN', 0],
    ],
  }),
];

// ---------------------------------------------------------------- deterministic identifiers

const digest = (s: string) => createHash('sha256').update(s).digest();
const digitsOf = (s: string, n: number) => (digest(s).readBigUInt64BE(0) % 10n ** BigInt(n)).toString().padStart(n, '0');

/** GB 11714 organisation code check character over 8 digits. */
function orgCodeCheck(body: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const c = 11 - ([...body].reduce((s, ch, i) => s + Number(ch) * w[i], 0) % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A valid, deterministic GB 32100 code: the same customer name always gets the same code. */
function creditCodeFor(c: DemoCustomer): string {
  const prefix = { gov: '11', inst: '12', ent: '91' }[c.kind];
  const body = digitsOf(`focus-one-demo:${c.name}`, 8);
  const first17 = `${prefix}${c.home}${body}${orgCodeCheck(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

const MOBILE_PREFIXES = ['133', '135', '136', '137', '138', '139', '150', '151', '158', '177', '186', '188', '189', '199'];
function mobileFor(creditCode: string, i: number): string {
  const d = digest(`${creditCode}:contact:${i}`);
  return MOBILE_PREFIXES[d[0] % MOBILE_PREFIXES.length] + digitsOf(`${creditCode}:${i}`, 8);
}

const CITY_ABBR: [prefix: string, abbr: string][] = [
  ['4401', 'GZ'],
  ['4403', 'SZ'],
  ['4406', 'FS'],
  ['4419', 'DG'],
  ['11', 'BJ'],
  ['31', 'SH'],
];
const abbrOf = (region: string) => CITY_ABBR.find(([p]) => region.startsWith(p))?.[1] ?? 'CN';

// ---------------------------------------------------------------- run

interface Login {
  username: string;
  roles: string;
  regions: string;
  password: string;
}

async function seedStaff(staff: StaffService, ds: DataSource, admin: AuthContext): Promise<Login[]> {
  const logins: Login[] = [];
  const existing = new Set(await allUsernames(ds.manager));
  for (const s of STAFF) {
    const row = { username: s.username, roles: s.roles.join(','), regions: s.regions.join(',') };
    if (existing.has(s.username)) {
      console.log(`staff ${s.username}: exists, skipped (password unchanged, not shown)`);
      logins.push({ ...row, password: '(existing — unchanged)' });
      continue;
    }
    const password = generatePassword();
    await staff.create(admin, { ...s, password });
    console.log(`staff ${s.username}: created`);
    logins.push({ ...row, password });
  }
  return logins;
}

async function seedCustomers(app: { customers: CustomersService; parts: CustomerPartsService }, ds: DataSource, admin: AuthContext) {
  const codes = CUSTOMERS.map(creditCodeFor);
  if (new Set(codes).size !== codes.length) throw new Error('Two demo customers share a credit code; rename one');

  const managers = new Map((await activeStaffHolding(ds.manager, 'account_manager')).map((s) => [s.username, s.id]));
  const taken = new Set(await creditCodesInUse(ds.manager, codes));
  const counts = { created: 0, skipped: 0, contacts: 0, sites: 0, services: 0 };
  for (const [i, c] of CUSTOMERS.entries()) {
    const creditCode = codes[i];
    if (taken.has(creditCode)) {
      counts.skipped++;
      continue;
    }
    const accountManagerId = managers.get(c.am);
    if (!accountManagerId) console.warn(`customer ${c.name}: account manager ${c.am} missing or inactive, left unassigned`);
    const created = await app.customers.create(admin, {
      name: c.name,
      creditCode,
      tier: c.tier,
      industry: c.industry,
      homeRegion: c.home,
      greenChannel: c.green ?? false,
      ...(accountManagerId ? { accountManagerId } : {}),
      contacts: c.contacts.map(([name, role], k) => ({ name, role, mobile: mobileFor(creditCode, k) })),
      sites: c.sites.map(([name, region, address]) => ({ name, region, address })),
    });
    // Sites inserted in one statement share created_at, so match them by name, not position.
    const siteIds = new Map(created.sites.map((s) => [s.name, s.id]));
    for (const [k, [productCode, site, state]] of c.services.entries()) {
      const [siteName, region] = c.sites[site];
      await app.parts.addServiceInstance(admin, created.id, {
        productCode,
        siteId: siteIds.get(siteName)!,
        accessNo: `${abbrOf(region)}-${productCode}-${creditCode.slice(8, 16)}-${k + 1}`,
        state: state ?? 'active',
      });
    }
    counts.created++;
    counts.contacts += c.contacts.length;
    counts.sites += c.sites.length;
    counts.services += c.services.length;
  }
  return counts;
}

function printTable(rows: Login[]): void {
  const cols: (keyof Login)[] = ['username', 'roles', 'regions', 'password'];
  const width = cols.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((v, i) => v.padEnd(width[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map((k) => r[k])));
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.load();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const dbName = new URL(config.database.url).pathname.slice(1);
  console.log(`Seeding demo data into database "${dbName}"`);
  await prepareDatabase(config);

  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, api: false, worker: false }), {
    logger: ['error', 'warn'],
  });
  try {
    const ds = app.get<DataSource>(getDataSourceToken());
    // The admin exists after bootstrap: StaffService creates it when the staff table is empty.
    const adminRow = (await activeStaffNamed(ds.manager, config.admin.username)) ?? (await firstActiveAdmin(ds.manager));
    if (!adminRow?.roles.includes('admin'))
      throw new Error('No active admin staff member found: start the service once, or set ADMIN_USERNAME');
    const admin: AuthContext = {
      staffId: adminRow.id,
      username: adminRow.username,
      roles: adminRow.roles,
      scopes: adminRow.regions.map(scopePrefix),
      requestId: 'seed',
    };

    const logins = [
      {
        username: admin.username,
        roles: admin.roles.join(','),
        regions: adminRow.regions.join(','),
        password: '(not managed by the seed: ADMIN_PASSWORD, or printed at first start)',
      },
      ...(await seedStaff(app.get(StaffService), ds, admin)),
    ];
    const counts = await seedCustomers({ customers: app.get(CustomersService), parts: app.get(CustomerPartsService) }, ds, admin);
    console.log(
      `customers: ${counts.created} created (${counts.contacts} contacts, ${counts.sites} sites, ${counts.services} service instances), ` +
        `${counts.skipped} already present (skipped)`,
    );
    console.log('\nDemo logins (passwords are shown only once, for users created in this run):\n');
    printTable(logins);
  } finally {
    await app.close();
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    console.error('Seeding failed:', err);
    process.exitCode = 1;
  },
);
