/** Letters that Unicode decomposition does not reduce to a base letter plus marks. */
const foldedLetters: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
};

const foldable = /[ßẞæÆœŒøØłŁđĐðÐþÞı]/g;

/**
 * Text as search compares it: compatibility-decomposed (NFKD, so full-width
 * `Ｚ` is `z`), combining marks dropped (`é` is `e`), the letters that do not
 * decompose spelled out (`ß` is `ss`, `ø` is `o`), lower-cased.
 *
 * @example
 * ```ts
 * foldText('Édith Straße'); // 'edith strasse'
 * ```
 */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').replace(foldable, (letter) => foldedLetters[letter]!).toLowerCase();
}

/**
 * The words of a text, folded ({@link foldText}): runs of letters and digits;
 * an apostrophe inside a word joins it (`O'Brien` is `obrien`).
 *
 * @example
 * ```ts
 * foldedWords("Zed O'Brien-Smith"); // ['zed', 'obrien', 'smith']
 * ```
 */
export function foldedWords(text: string): string[] {
  return foldText(text)
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}
