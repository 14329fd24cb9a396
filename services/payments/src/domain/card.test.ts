import { describe, expect, it } from 'vitest';
import { cardDigits, checkCard, detectBrand, isExpired, luhnValid, CARD_NUMBER_FORMAT } from './card.ts';
import { CardError } from './errors.ts';

const now = new Date('2026-06-15T12:00:00Z');
const card = (number: string, exp_month = 12, exp_year = 2030) => ({ number, exp_month, exp_year, cvc: '123' });

function cardErrorCode(number: string, month?: number, year?: number): string {
  try {
    checkCard(card(number, month, year), now);
  } catch (error) {
    expect(error).toBeInstanceOf(CardError);
    return (error as CardError).code;
  }
  return 'ok';
}

describe('luhnValid', () => {
  it('accepts Stripe test numbers and rejects a changed digit', () => {
    for (const n of ['4242424242424242', '5555555555554444', '2223003122003222', '378282246310005', '4000000000000002'])
      expect(luhnValid(n)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('detectBrand', () => {
  it('knows visa, mastercard 51-55 and the 2-series 2221-2720, amex 34/37', () => {
    expect(detectBrand('4242424242424242')).toBe('visa');
    expect(detectBrand('5105105105105100')).toBe('mastercard');
    expect(detectBrand('5555555555554444')).toBe('mastercard');
    expect(detectBrand('2221000000000009')).toBe('mastercard');
    expect(detectBrand('2720990000000000')).toBe('mastercard');
    expect(detectBrand('2220990000000000')).toBeUndefined();
    expect(detectBrand('2721000000000000')).toBeUndefined();
    expect(detectBrand('5000000000000000')).toBeUndefined();
    expect(detectBrand('5600000000000000')).toBeUndefined();
    expect(detectBrand('340000000000009')).toBe('amex');
    expect(detectBrand('378282246310005')).toBe('amex');
    expect(detectBrand('6011111111111117')).toBeUndefined(); // discover
  });
});

describe('isExpired', () => {
  it('treats a card as valid through the end of its expiry month (UTC)', () => {
    expect(isExpired(6, 2026, now)).toBe(false);
    expect(isExpired(5, 2026, now)).toBe(true);
    expect(isExpired(12, 2025, now)).toBe(true);
    expect(isExpired(1, 2027, now)).toBe(false);
    expect(isExpired(6, 2026, new Date('2026-07-01T00:00:00Z'))).toBe(true);
  });
});

describe('checkCard', () => {
  it('returns brand, last4 and bare digits for supported cards with spaces or dashes', () => {
    expect(checkCard(card('4242 4242 4242 4242'), now)).toMatchObject({
      brand: 'visa',
      last4: '4242',
      number: '4242424242424242',
    });
    expect(checkCard(card('3782-822463-10005'), now)).toMatchObject({ brand: 'amex', last4: '0005' });
    expect(checkCard(card('2223003122003222'), now)).toMatchObject({ brand: 'mastercard', last4: '3222' });
  });

  it("rejects with Stripe's card error codes", () => {
    expect(cardErrorCode('4242424242424241')).toBe('incorrect_number');
    expect(cardErrorCode('42424242')).toBe('incorrect_number');
    expect(cardErrorCode('6011111111111117')).toBe('card_not_supported');
    expect(cardErrorCode('4242424242424242', 5, 2026)).toBe('expired_card');
    expect(cardErrorCode('4242424242424242428')).toBe('ok'); // 19-digit visa
    expect(cardErrorCode('42424242424242426')).toBe('incorrect_number'); // Luhn-valid, but Visa has no 17-digit numbers
    expect(cardErrorCode('4242424242424242')).toBe('ok');
  });

  it('allows only digits with spaces or dashes between them', () => {
    expect(CARD_NUMBER_FORMAT.test('4242 4242-4242 4242')).toBe(true);
    for (const bad of [' 4242', '4242 ', '4242a', '42.42', '', '-4242'])
      expect(CARD_NUMBER_FORMAT.test(bad)).toBe(false);
    expect(cardDigits('4242 4242-4242')).toBe('424242424242');
  });
});
