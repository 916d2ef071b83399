/** The registry's clock as an HL7 DTM in UTC to the second (YYYYMMDDhhmmss), as XDS times are. */
export const dtmNow = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
