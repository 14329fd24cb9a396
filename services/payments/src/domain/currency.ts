// ISO 4217 alphabetic codes of circulating currencies (SIX list, amendment 178, 2024), the set a
// card payment can be denominated in. Left out on purpose: precious metals (XAU, XAG, XPD, XPT),
// bond-market units (XBA-XBD), SDR/SUCRE/ADB units (XDR, XSU, XUA), fund codes (BOV, CHE, CHW,
// CLF, COU, MXV, USN, UYI, UYW), and the testing/no-currency codes XTS and XXX.
const CODES = `
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS
VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
`;

export const CURRENCIES: ReadonlySet<string> = new Set(
  CODES.trim()
    .split(/\s+/)
    .map((code) => code.toLowerCase()),
);

/** The lower-case code (the API's output form) when `code` is a known currency in any case. */
export function normalizeCurrency(code: string): string | undefined {
  const lower = code.toLowerCase();
  return CURRENCIES.has(lower) ? lower : undefined;
}
