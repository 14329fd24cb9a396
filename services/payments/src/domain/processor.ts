// A simulated card processor: approves every card that passed the local checks except Stripe's
// public decline test numbers (https://docs.stripe.com/testing#declined-payments), which it
// declines with Stripe's codes and messages. Pure and deterministic: asking twice for the same
// card gives the same answer, so a retried request can safely ask again.

export type Authorization =
  | { readonly approved: true }
  | { readonly approved: false; readonly code: DeclineCode; readonly message: string; readonly param?: string };

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'incorrect_cvc' | 'processing_error';

const DECLINES: ReadonlyMap<string, Extract<Authorization, { approved: false }>> = new Map([
  ['4000000000000002', { approved: false, code: 'card_declined', message: 'Your card was declined.' }],
  ['4000000000009995', { approved: false, code: 'insufficient_funds', message: 'Your card has insufficient funds.' }],
  [
    '4000000000000127',
    { approved: false, code: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'card[cvc]' },
  ],
  [
    '4000000000000119',
    {
      approved: false,
      code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  ],
]);

export function authorize(cardNumberDigits: string): Authorization {
  return DECLINES.get(cardNumberDigits) ?? { approved: true };
}
