// Demo enterprises for the seed (SPEC §10). Every name, address, person, phone number and account
// below is invented for the demo; any resemblance to a real enterprise is accidental. USCCs are
// '91' (工商 / 企业) + the city's GB/T 2260 code + a made-up 9-character body, with the check
// character computed, not invented (SPEC §10).
import { makeUscc } from '../../server/domain/uscc.js';
import type { CityCode } from '../../server/domain/cities.js';

export { cities } from '../../server/domain/cities.js';

export interface DemoFirm {
  /** Stable handle for seeds and tests: 'hz' is the Hangzhou firm of firm@demo.local, 'nb' the Ningbo firm of firm2@demo.local. */
  key: string;
  name: string;
  uscc: string;
  city: CityCode;
  address: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankName: string;
  bankAccount: string;
}

export interface DemoUserUnit {
  key: string;
  name: string;
  uscc: string;
  city: CityCode;
}

function enterpriseUscc(city: CityCode, body: string): string {
  return makeUscc(`91${city}${body}`);
}

type FirmSource = Omit<DemoFirm, 'uscc' | 'contactEmail'> & { usccBody: string };

const firmSources: FirmSource[] = [
  {
    key: 'hz', usccBody: 'MA2H7C0K3', city: '330100',
    name: '杭州澄岚半导体材料有限公司', address: '杭州市钱塘区示范大道 1288 号 3 幢',
    contactName: '陈思远', contactPhone: '13800571001',
    bankName: '中国工商银行杭州钱塘支行', bankAccount: '1202000019200000001',
  },
  {
    key: 'nb', usccBody: 'MA2C8N4R6', city: '330200',
    name: '宁波锦澜磁性材料有限公司', address: '宁波市北仑区演示路 66 号',
    contactName: '王海燕', contactPhone: '13800574002',
    bankName: '中国银行宁波北仑分行', bankAccount: '3560000000000000002',
  },
  {
    key: 'wz', usccBody: 'MA2L3D5W8', city: '330300',
    name: '温州瓯泰新材料科技有限公司', address: '温州市龙湾区样例路 208 号',
    contactName: '林建国', contactPhone: '13800577003',
    bankName: '中国建设银行温州龙湾支行', bankAccount: '3305000000000000003',
  },
  {
    key: 'jx', usccBody: 'MA29P1X4E', city: '330400',
    name: '嘉兴禾晶电子化学品有限公司', address: '嘉兴市南湖区示范路 18 号',
    contactName: '沈雅琴', contactPhone: '13800573004',
    bankName: '中国农业银行嘉兴分行', bankAccount: '1935000000000000004',
  },
  {
    key: 'huz', usccBody: 'MA2B6T9Q1', city: '330500',
    name: '湖州青棠新能源材料有限公司', address: '湖州市吴兴区演示大道 599 号',
    contactName: '钱文斌', contactPhone: '13800572005',
    bankName: '湖州银行吴兴支行', bankAccount: '2010000000000000005',
  },
  {
    key: 'sx', usccBody: 'MA2D4F7U2', city: '330600',
    name: '绍兴越纤碳纤维科技有限公司', address: '绍兴市柯桥区样例路 77 号',
    contactName: '孙立群', contactPhone: '13800575006',
    bankName: '浙商银行绍兴分行', bankAccount: '3371000000000000006',
  },
  {
    key: 'qz', usccBody: 'MA2E5G8Y0', city: '330800',
    name: '衢州澈岩氟硅材料有限公司', address: '衢州市柯城区示范路 9 号',
    contactName: '徐志华', contactPhone: '13800570007',
    bankName: '中国工商银行衢州分行', bankAccount: '1209000000000000007',
  },
  {
    key: 'tz', usccBody: 'MA2K1M3J5', city: '331000',
    name: '台州椒禾医用材料有限公司', address: '台州市椒江区演示路 128 号',
    contactName: '蒋晓敏', contactPhone: '13800576008',
    bankName: '台州银行椒江支行', bankAccount: '6601000000000000008',
  },
];

export const demoFirms: DemoFirm[] = firmSources.map(({ usccBody, ...firm }) => ({
  ...firm,
  uscc: enterpriseUscc(firm.city, usccBody),
  contactEmail: `contact.${firm.key}@demo.local`,
}));

type UserUnitSource = Omit<DemoUserUnit, 'uscc'> & { usccBody: string };

const userUnitSources: UserUnitSource[] = [
  { key: 'hz-machinery', usccBody: 'MA2G2H6L4', city: '330100', name: '杭州恒岫精密机械有限公司' },
  { key: 'nb-cable', usccBody: 'MA2F7K2P9', city: '330200', name: '宁波海澄电气设备有限公司' },
  { key: 'jx-chip', usccBody: 'MA2A3N8T7', city: '330400', name: '嘉兴澄芯微电子有限公司' },
  { key: 'jh-auto', usccBody: 'MA2J9Q4W1', city: '330700', name: '金华婺宁新能源汽车零部件有限公司' },
  { key: 'tz-dental', usccBody: 'MA2H5R1X3', city: '331000', name: '台州涵清口腔医疗器械有限公司' },
  { key: 'ls-solar', usccBody: 'MA2N8U6Y2', city: '331100', name: '丽水栝苍光伏科技有限公司' },
];

/** Buyers (用户单位) named on demo cases; none is affiliated with a demo firm. */
export const demoUserUnits: DemoUserUnit[] = userUnitSources.map(({ usccBody, ...unit }) => ({
  ...unit,
  uscc: enterpriseUscc(unit.city, usccBody),
}));
