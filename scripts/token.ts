import { signToken } from '../api/auth';
import { ROLES, Role, withCheckCharacter } from '../domain';
import { DEV_JWT_SECRET } from '../runtime/config';

// npm run token -- ROLE [district|org|suffix] : a development token signed with AUTH_JWT_SECRET (and AUTH_JWT_ISSUER's, AUTH_JWT_AUDIENCE's names).
const NAMES: Record<Role, string> = {
  applicant: '申报单位联系人',
  district_officer: '区县科技局经办人',
  expert: '评审专家',
  bureau_officer: '市科技局经办人',
  bureau_leader: '市科技局党组',
  admin: '系统管理员',
};

const [role, scope] = process.argv.slice(2);
if (!ROLES.includes(role as Role)) {
  console.error(
    `usage: npm run -s token -- ROLE [district|org|suffix]\n  ROLE: ${ROLES.join(' | ')}\n` +
      '  a district officer\'s district, an applicant\'s credit code; for other roles any word, which makes another person (expert e2)',
  );
  process.exit(2);
}
const r = role as Role;
const claims = {
  sub: `dev-${r}${scope ? `-${scope}` : ''}`,
  name: NAMES[r],
  role: r,
  ...(r === 'applicant' ? { org: scope ?? withCheckCharacter('91410100MA0000001') } : {}),
  ...(r === 'district_officer' ? { district: scope ?? '410105' } : {}),
  // The API takes only tokens that carry the issuer and audience it is configured with.
  ...(process.env.AUTH_JWT_ISSUER ? { iss: process.env.AUTH_JWT_ISSUER } : {}),
  ...(process.env.AUTH_JWT_AUDIENCE ? { aud: process.env.AUTH_JWT_AUDIENCE } : {}),
};
console.log(signToken(claims, process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET));
