/**
 * Sortable keys for HL7 DTM values (YYYY[MM[DD[HH[MM[SS]]]]]), so that time-range criteria become plain
 * string comparisons in every store. ITI TF-2a §3.18.4.1.2.3.6: `…From` is inclusive, `…To` exclusive;
 * a value of lower precision stands for the start of its period, hence the right-padding with zeros.
 */

/** The 14-digit key of a DTM value: its leading digits (at most 14), right-padded with '0'. */
export function dtmKey(value: string): string {
  const digits = /^\d*/.exec(value.trim())?.[0] ?? '';
  return digits.slice(0, 14).padEnd(14, '0');
}

/** dtmKey for optional values (absent stays absent). */
export function optionalDtmKey(value: string | undefined): string | undefined {
  return value === undefined ? undefined : dtmKey(value);
}
