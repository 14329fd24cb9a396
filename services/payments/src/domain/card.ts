// Card checks done before any processor is asked: number format, Luhn checksum, brand, expiry.
// Pure: the caller passes the current time. Brand ranges follow the card networks' published
// IIN tables (Visa 4; Mastercard 51-55 and the 2-series 2221-2720; Amex 34/37).
import { CardError } from './errors.ts';

export type CardBrand = 'visa' | 'mastercard' | 'amex';

export interface CardInput {
  readonly number: string;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly cvc: string;
}

/** A card that passed every local check. `number` is the bare digits, for the processor only. */
export interface CheckedCard {
  readonly number: string;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly cvc: string;
}

/** Spaces and dashes are allowed between digits (as printed on cards); anything else is not. */
export const CARD_NUMBER_FORMAT = /^[0-9](?:[0-9 -]*[0-9])?$/;

export function cardDigits(number: string): string {
  return number.replace(/[ -]/g, '');
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

interface BrandRule {
  readonly brand: CardBrand;
  readonly lengths: readonly number[];
  readonly matches: (digits: string) => boolean;
}

const prefixBetween = (digits: string, size: number, low: number, high: number): boolean => {
  const prefix = Number(digits.slice(0, size));
  return prefix >= low && prefix <= high;
};

const BRANDS: readonly BrandRule[] = [
  { brand: 'visa', lengths: [13, 16, 19], matches: (d) => d.startsWith('4') },
  {
    brand: 'mastercard',
    lengths: [16],
    matches: (d) => prefixBetween(d, 2, 51, 55) || prefixBetween(d, 4, 2221, 2720),
  },
  { brand: 'amex', lengths: [15], matches: (d) => d.startsWith('34') || d.startsWith('37') },
];

/** The brand whose IIN range the number falls in, or undefined for every other network. */
export function detectBrand(digits: string): CardBrand | undefined {
  return brandRule(digits)?.brand;
}

function brandRule(digits: string): BrandRule | undefined {
  return BRANDS.find((rule) => rule.matches(digits));
}

/** A card is valid through the last day of its expiry month (UTC). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
}

/** Local card checks in Stripe's order; throws the 402 CardError a processor would have returned. */
export function checkCard(card: CardInput, now: Date): CheckedCard {
  const digits = cardDigits(card.number);
  if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) {
    throw new CardError('incorrect_number', 'Your card number is incorrect.', 'card[number]');
  }
  const rule = brandRule(digits);
  if (!rule) {
    throw new CardError(
      'card_not_supported',
      'Your card is not supported: use a Visa, Mastercard or American Express card.',
      'card[number]',
    );
  }
  if (!rule.lengths.includes(digits.length)) {
    throw new CardError(
      'incorrect_number',
      `Your card number is incorrect: a ${rule.brand} number has ${rule.lengths.join(' or ')} digits.`,
      'card[number]',
    );
  }
  if (isExpired(card.exp_month, card.exp_year, now)) {
    throw new CardError('expired_card', 'Your card has expired.', 'card[exp_year]');
  }
  return {
    number: digits,
    brand: rule.brand,
    last4: digits.slice(-4),
    exp_month: card.exp_month,
    exp_year: card.exp_year,
    cvc: card.cvc,
  };
}
