// GB 32100-2015 unified social credit code: 18 characters from a 31-symbol alphabet (no I, O, S,
// V, Z); the last is a check character computed from the first 17 with fixed weights.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = 'length' | 'characters' | 'check_character';

export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== 18) return 'length';
  if (![...code].every((c) => ALPHABET.includes(c))) return 'characters';
  const sum = WEIGHTS.reduce((s, w, i) => s + ALPHABET.indexOf(code[i]) * w, 0);
  return ALPHABET[(31 - (sum % 31)) % 31] === code[17] ? undefined : 'check_character';
}

/** Appends the right check character to a 17-character body (used by tools and tests). */
export function withCheckCharacter(body17: string): string {
  const sum = WEIGHTS.reduce((s, w, i) => s + ALPHABET.indexOf(body17[i]) * w, 0);
  return body17 + ALPHABET[(31 - (sum % 31)) % 31];
}
