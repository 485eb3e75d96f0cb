import type { Random } from '../../platform/generate/random.js';

/**
 * Names for synthetic people and staff. Where they come from: written for Linkwork, by putting
 * invented syllables together (first names) and plant and bird words together with old English
 * place-name endings (family names). Nothing here is taken from a register, census, electoral roll,
 * patient list or any other list of real people, and the family-name roots were chosen so the
 * combinations read as clearly made up ("Tamwyn Thistlethwaite", "Orelle Kestrelhithe"): anyone
 * reading a generated record can tell at once it is not a real person.
 */

export const GIVEN_NAME_STARTS = [
  'Ab', 'Bel', 'Cal', 'Dor', 'El', 'Fen', 'Gar', 'Hal', 'Is', 'Jes', 'Kel', 'Lor', 'Mar', 'Nel', 'Or', 'Per', 'Quin', 'Ros', 'Sel', 'Tam',
  'Ul', 'Ver', 'Wen', 'Yor', 'Zel', 'Ama', 'Bri', 'Cor', 'Dun', 'Esk',
] as const;

export const GIVEN_NAME_ENDS = ['a', 'an', 'elle', 'ia', 'in', 'o', 'wyn', 'en', 'ie', 'us', 'ah', 'on', 'ith', 'ora'] as const;

export const FAMILY_NAME_ROOTS = [
  'Bramble', 'Cobble', 'Dapple', 'Fennel', 'Gorse', 'Juniper', 'Kestrel', 'Lichen', 'Mallow', 'Nettle', 'Orrin', 'Pebble', 'Quill',
  'Sorrel', 'Thistle', 'Umber', 'Vetch', 'Wren', 'Yarrow', 'Zinnia', 'Tansy', 'Burdock', 'Clover', 'Bracken', 'Linnet', 'Plover',
] as const;

export const FAMILY_NAME_ENDS = ['bury', 'combe', 'dale', 'field', 'gate', 'hithe', 'hurst', 'ley', 'mere', 'ridge', 'shaw', 'stead', 'thwaite', 'wick', 'worth', 'by'] as const;

export interface SyntheticName {
  given: string;
  family: string;
}

export function syntheticName(random: Random): SyntheticName {
  const start = random.pick(GIVEN_NAME_STARTS);
  const end = random.pick(GIVEN_NAME_ENDS);
  // "Ama" + "a" reads badly: drop a doubled vowel where the parts meet.
  const given = /[aeiou]$/.test(start) && /^[aeiou]/.test(end) ? start + end.slice(1) : start + end;
  return { given, family: random.pick(FAMILY_NAME_ROOTS) + random.pick(FAMILY_NAME_ENDS) };
}
