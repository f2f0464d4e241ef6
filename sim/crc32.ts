// E.CRC32 as on Espruino: the standard CRC-32 (IEEE 802.3, reflected, as zlib) of the bytes.
const TABLE: number[] = [];
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE.push(c >>> 0);
}

// Strings count one byte per char (8-bit, low byte kept); arrays and typed arrays their elements.
export function crc32(data: any): number {
  let crc = 0xffffffff;
  const n = data && typeof data.length === "number" ? data.length : 0;
  for (let i = 0; i < n; i++) {
    const byte = (typeof data === "string" ? data.charCodeAt(i) : data[i]) & 0xff;
    crc = TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
