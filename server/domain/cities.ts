// The 11 prefecture-level cities of Zhejiang with their GB/T 2260 administrative division codes;
// municipal reviewers (SPEC §2) and firms (SPEC §3) belong to one of them.

export interface City {
  code: string;
  name: string;
  nameEn: string;
}

export const cities = [
  { code: '330100', name: '杭州市', nameEn: 'Hangzhou' },
  { code: '330200', name: '宁波市', nameEn: 'Ningbo' },
  { code: '330300', name: '温州市', nameEn: 'Wenzhou' },
  { code: '330400', name: '嘉兴市', nameEn: 'Jiaxing' },
  { code: '330500', name: '湖州市', nameEn: 'Huzhou' },
  { code: '330600', name: '绍兴市', nameEn: 'Shaoxing' },
  { code: '330700', name: '金华市', nameEn: 'Jinhua' },
  { code: '330800', name: '衢州市', nameEn: 'Quzhou' },
  { code: '330900', name: '舟山市', nameEn: 'Zhoushan' },
  { code: '331000', name: '台州市', nameEn: 'Taizhou' },
  { code: '331100', name: '丽水市', nameEn: 'Lishui' },
] as const satisfies readonly City[];

export type CityCode = (typeof cities)[number]['code'];

export function isCityCode(code: string): code is CityCode {
  return cities.some((city) => city.code === code);
}

export function cityByCode(code: string): City | undefined {
  return cities.find((city) => city.code === code);
}
