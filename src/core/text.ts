/**
 * Cutting plain text without cutting a character in half. Emoji and other characters outside the
 * Basic Multilingual Plane are two UTF-16 units (a surrogate pair); a lone half is not valid
 * Unicode, shows as garbage and makes chat APIs refuse the whole message.
 */

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** `index`, or one less when it falls between the two halves of a surrogate pair. */
export function charBoundary(text: string, index: number): number {
  return isLow(text.charCodeAt(index)) && isHigh(text.charCodeAt(index - 1)) ? index - 1 : index;
}

/** The text shortened to at most `max` UTF-16 units, ending in "…" when it was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, charBoundary(text, max - 1))}…`;
}
