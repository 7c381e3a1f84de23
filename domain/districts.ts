// The recommending units of Art. 5: Zhengzhou's districts, county-level cities and the state-level
// zones with their own statistical division codes (GB/T 2260 and the NBS zone codes).
export interface District {
  code: string;
  name: string;
}

export const DISTRICTS: readonly District[] = [
  { code: '410102', name: '中原区' },
  { code: '410103', name: '二七区' },
  { code: '410104', name: '管城回族区' },
  { code: '410105', name: '金水区' },
  { code: '410106', name: '上街区' },
  { code: '410108', name: '惠济区' },
  { code: '410122', name: '中牟县' },
  { code: '410171', name: '郑州经济技术开发区' },
  { code: '410172', name: '郑州高新技术产业开发区' },
  { code: '410173', name: '郑州航空港经济综合实验区' },
  { code: '410181', name: '巩义市' },
  { code: '410182', name: '荥阳市' },
  { code: '410183', name: '新密市' },
  { code: '410184', name: '新郑市' },
  { code: '410185', name: '登封市' },
];

export function districtName(code: string): string | undefined {
  return DISTRICTS.find((d) => d.code === code)?.name;
}
